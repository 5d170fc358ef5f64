"""Storage benchmark: ours beside stock TinyDB (JSONStorage) in the same run.

At 1,000 / 10,000 / 100,000 interactions: save latency (median, p95), open time (open and
read every record), peak RSS (open + 20 saves), and saves per second with 8 processes
saving at once. Stock TinyDB corrupts its file without a lock (PITFALLS T1), so its
8-process figure is measured with an flock around each insert: the least it needs.
Every measurement runs in a fresh process. ``python bench/storage.py`` prints a table.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (1_000, 10_000, 100_000)
TODAY = date(2026, 11, 23)
SAVES = {"ours": {1_000: 200, 10_000: 200, 100_000: 200},
         "tinydb": {1_000: 100, 10_000: 30, 100_000: 8}}
PER_PROCESS = {"ours": {1_000: 50, 10_000: 50, 100_000: 50},
               "tinydb": {1_000: 10, 10_000: 3, 100_000: 1}}


def _doc(tag: str, i: int) -> dict[str, object]:
    return {"id": f"int_{tag}_{i}", "client_id": "cli_bench", "kind": "email",
            "on": TODAY.isoformat(), "author": tag, "notes": "benchmark save", "rev": 1}


# ------------------------------------------------------------------ children (one process)

def child(mode: str, impl: str, path: str, n: int, tag: str) -> dict[str, float]:
    if impl == "ours":
        from storage.repositories import Store
        from tracker.models import Interaction, InteractionKind

        start = time.perf_counter()
        store = Store(path)
        store.load_agency()
        opened = time.perf_counter() - start

        def save(i: int) -> None:
            store.interactions.save(Interaction(
                id=f"int_{tag}_{i}", client_id="cli_bench", kind=InteractionKind.EMAIL,
                on=TODAY, author=tag, notes="benchmark save"))
    else:
        from tinydb import TinyDB

        lock_fd = os.open(path + ".benchlock", os.O_RDWR | os.O_CREAT, 0o600)
        start = time.perf_counter()
        if mode == "concurrent":
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
        db = TinyDB(path, encoding="utf-8")
        for name in db.tables():
            db.table(name).all()
        fcntl.flock(lock_fd, fcntl.LOCK_UN)
        opened = time.perf_counter() - start
        table = db.table("interactions")

        def save(i: int) -> None:
            if mode == "concurrent":  # without a lock, concurrent inserts corrupt the file
                fcntl.flock(lock_fd, fcntl.LOCK_EX)
                try:
                    table.clear_cache()
                    table._next_id = None
                    table.insert(_doc(tag, i))
                finally:
                    fcntl.flock(lock_fd, fcntl.LOCK_UN)
            else:
                table.insert(_doc(tag, i))

    times = []
    for i in range(n):
        t = time.perf_counter()
        save(i)
        times.append((time.perf_counter() - t) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"open_s": opened, "times_ms": times, "rss_mb": rss}  # type: ignore[dict-item]


def run_child(*args: object) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "child", *map(str, args)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


# ------------------------------------------------------------------ set-up and measures

def make_files(size: int, where: Path) -> tuple[Path, Path]:
    """The same agency twice: our store, and the plain TinyDB file stock TinyDB uses."""
    from storage.repositories import Store
    from tracker.demo import make_demo
    from tracker.models import Client

    clients = max(16, size // 200)
    agency = make_demo(TODAY, clients=clients, events=size, seed=11)
    agency = replace(agency, clients=(*agency.clients,
                                      Client(id="cli_bench", name="Bench", start_date=TODAY)))
    ours = where / f"ours-{size}.json"
    Store(ours).replace_all(agency)
    stock = where / f"tinydb-{size}.json"
    shutil.copyfile(ours, stock)
    shutil.rmtree(where / "backups", ignore_errors=True)
    return ours, stock


def fresh(path: Path, where: Path, name: str) -> Path:
    target = where / name
    shutil.copyfile(path, target)
    return target


def concurrent(impl: str, path: Path, per: int) -> float:
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "child", "concurrent", impl, str(path),
                               str(per), f"p{n}"], cwd=ROOT, stdout=subprocess.DEVNULL)
             for n in range(8)]
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError(f"{impl} concurrent writer failed")
    return 8 * per / (time.perf_counter() - start)


def kill9_rounds(rounds: int, where: Path) -> dict[str, int]:
    """Kill a writer at random moments; count acknowledged saves that went missing."""
    from storage.repositories import Store
    from tests.storage.workers import CLIENT

    path = where / "kill9.json"
    Store(path).clients.save(CLIENT)
    rng = random.Random(5)
    acknowledged: set[str] = set()
    unreadable = 0
    for r in range(rounds):
        p = subprocess.Popen([sys.executable, "-m", "tests.storage.workers", "loop", str(path),
                              f"k{r}", str(rng.choice((3, 7, 100)))], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.2, 0.45))
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate()
        acknowledged |= set(out.split())
        try:
            stored = {i.id for i in Store(path).interactions.all()}
        except Exception:
            unreadable += 1
            continue
        acknowledged_missing = acknowledged - stored
        if acknowledged_missing:
            return {"rounds": r + 1, "acknowledged": len(acknowledged),
                    "lost": len(acknowledged_missing), "unreadable": unreadable}
    return {"rounds": rounds, "acknowledged": len(acknowledged), "lost": 0,
            "unreadable": unreadable}


def measure() -> dict[str, object]:
    res: dict[str, dict[str, dict[str, float]]] = {
        k: {"ours": {}, "tinydb": {}} for k in
        ("save_ms_median", "save_ms_p95", "open_s", "rss_mb", "concurrent_saves_per_s")}
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        for size in SIZES:
            ours, stock = make_files(size, where)
            key = str(size)
            for impl, source in (("ours", ours), ("tinydb", stock)):
                opens = [run_child("open", impl, fresh(source, where, f"o{i}-{impl}.json"), 0,
                                   "o")["open_s"] for i in range(3)]
                saved = run_child("save", impl, fresh(source, where, f"s-{impl}.json"),
                                  SAVES[impl][size], "s")
                times = sorted(saved["times_ms"])  # type: ignore[arg-type]
                res["save_ms_median"][impl][key] = round(statistics.median(times), 3)
                res["save_ms_p95"][impl][key] = round(times[int(0.95 * (len(times) - 1))], 3)
                res["open_s"][impl][key] = round(statistics.median(opens), 3)  # type: ignore[arg-type]
                rss = run_child("rss", impl, fresh(source, where, f"r-{impl}.json"), 20, "r")
                res["rss_mb"][impl][key] = round(rss["rss_mb"], 1)  # type: ignore[arg-type]
                res["concurrent_saves_per_s"][impl][key] = round(concurrent(
                    impl, fresh(source, where, f"c-{impl}.json"), PER_PROCESS[impl][size]), 1)
                for p in where.glob("[oscr]*-*.json*"):
                    p.unlink()
            print(f"  measured {size:,} interactions", file=sys.stderr)
        kill = kill9_rounds(200, where)
    return {"sizes": list(SIZES), **res, "kill9": kill}


def table(results: dict[str, object]) -> str:
    rows = [("save ms median", "save_ms_median"), ("save ms p95", "save_ms_p95"),
            ("open s", "open_s"), ("peak RSS MB", "rss_mb"),
            ("8-process saves/s", "concurrent_saves_per_s")]
    head = "| measure | " + " | ".join(f"ours {s:,} | tinydb {s:,}" for s in SIZES) + " |"
    lines = [head, "|---" * (1 + 2 * len(SIZES)) + "|"]
    for label, key in rows:
        data = results[key]
        cells = [f"{data['ours'][str(s)]} | {data['tinydb'][str(s)]}" for s in SIZES]  # type: ignore[index]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        mode, impl, path, n, tag = sys.argv[2:7]
        print(json.dumps(child(mode, impl, path, int(n), tag)))
    else:
        r = measure()
        print(table(r))
        print(json.dumps(r["kill9"]))
