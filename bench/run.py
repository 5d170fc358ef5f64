"""``make bench``: every speed figure beside the stock alternative, measured in the same run.

Writes bench/results.json and prints the tables; bench/scale.py adds TinyDB beside
PostgreSQL at 500 / 2,000 / 5,000 clients (``BENCH_SIZES`` picks sizes).
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench import storage  # noqa: E402

BIN = Path(sys.executable).parent / "scopekeeper"


def timed(cmd: list[str], runs: int = 5, before: object = None) -> dict[str, float]:
    times = []
    for _ in range(runs):
        if callable(before):
            before()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 3), "min_s": round(min(times), 3),
            "runs": runs}


def commands() -> dict[str, object]:
    """The command line at 500 clients and ~100,000 interactions."""
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "big.json")
        out["demo_500_clients_100k_events"] = timed(
            [str(BIN), "demo", "--clients", "500", "--events", "100000", "--force", "--db", db],
            runs=1)
        out["file_mb"] = round(Path(db).stat().st_size / 1e6, 1)
        from storage.review_cache import cache_path

        review = [str(BIN), "review", "--format", "json", "--db", db]
        from storage.review_digest import digest_path

        def forget(*paths: Path) -> object:
            return lambda: [p.unlink(missing_ok=True) for p in paths]

        # from scratch: no kept review and no digest (e.g. right after a compaction): every
        # record is read (and the digest written for next time)
        out["review_json_from_scratch"] = timed(review, before=forget(
            cache_path(Path(db)), digest_path(Path(db))))
        # cold: nobody computed today's review since the last save; the digest (what reviews
        # need, about a quarter of the records) and the journal are read
        out["review_json_cold"] = timed(review, before=forget(cache_path(Path(db))))
        # kept: today's review computed by anyone since the last save (the app does it after
        # every change it sees, for today and tomorrow)
        out["review_json_kept"] = timed(review)
        out["review_text_for_person_kept"] = timed(
            [str(BIN), "review", "--for", "priya", "--db", db])
        out["log"] = timed([str(BIN), "log", "Northwind Outdoor", "--kind", "email", "--db", db])
        out["python_c_pass"] = timed([sys.executable, "-c", "pass"])
        out["stock_tinydb_open_and_read_all"] = timed([
            sys.executable, "-c",
            f"from tinydb import TinyDB; db = TinyDB({db!r}); "
            "[db.table(t).all() for t in db.tables()]"])
    return out


def main() -> int:
    results: dict[str, object] = {"machine": f"{platform.platform()}, {platform.processor()}, "
                                  f"Python {sys.version.split()[0]}"}
    results.update(storage.measure())
    results["commands"] = commands()
    # in a fresh process: forking the benchmark process, which by now holds the storage
    # measurements' data, would slow every start it times
    results["tui"] = json.loads(subprocess.run([sys.executable, str(HERE / "tui.py")],
                                               check=True, capture_output=True,
                                               text=True).stdout)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(storage.table(results))
    print("kill -9:", json.dumps(results["kill9"]))
    print(json.dumps(results["commands"], indent=2))
    print("tui:", json.dumps(results["tui"]))
    # TinyDB beside PostgreSQL at 500 / 2,000 / 5,000 clients, in a fresh process too; it
    # adds its "scale" figures to results.json and prints their table
    subprocess.run([sys.executable, str(HERE / "scale.py")], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
