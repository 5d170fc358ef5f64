"""Speed figures, each beside the stock alternative measured in the same run.

Writes bench/results.json. Run with ``make bench``.
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
BIN = Path(sys.executable).parent / "scopekeeper"
RUNS = 5


def timed(cmd: list[str], runs: int = RUNS) -> dict[str, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4),
            "runs": runs}


def main() -> int:
    results: dict[str, object] = {"machine": platform.platform(), "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "big.json")
        demo = [str(BIN), "demo", "--clients", "500", "--events", "100000", "--db", db]
        results["demo_500_clients_100k_events"] = timed([*demo[:-1], db, "--force"], runs=1)
        results["file_mb"] = round(Path(db).stat().st_size / 1e6, 1)
        results["review_json_500_clients"] = timed(
            [str(BIN), "review", "--format", "json", "--on", "2026-11-23", "--db", db])
        results["python_c_pass"] = timed([sys.executable, "-c", "pass"])
        results["stock_tinydb_open_and_read_all"] = timed([
            sys.executable, "-c",
            f"from tinydb import TinyDB; db = TinyDB({db!r}); "
            "[len(db.table(t).all()) for t in db.tables()]"])
    out = HERE / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
