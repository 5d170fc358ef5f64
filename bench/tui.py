"""TUI speed at agency scale, beside a bare Textual app measured in the same run.

ready_s: from starting ``scopekeeper`` on a 500-client, ~100,000-interaction file to the
Review screen showing its queue (read from a real pseudo-terminal), with today's review
kept by whoever computed it last; ready_after_a_save_s: the same right after someone saved
(the kept queue is shown marked "updating" while the records load); ready_cold_s: with no
review kept for today (computed from the review digest and the journal before the first
frame; the rest loads after it). bare_textual_s: the same
for a bare Textual app that shows a 500-row DataTable. timeline_5000_ms: opening the
Timeline tab of a client with 5,000 entries, until its first row is painted (Pilot,
in-process, median of 3 fresh apps).
"""

from __future__ import annotations

import asyncio
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent / "scopekeeper"

BARE = '''
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        t = self.query_one(DataTable)
        t.add_columns("Urg", "Client", "Why")
        t.add_rows([(str(i), f"Client {i}", f"reason number {i} READY") for i in range(500)])

Bare().run()
'''


def app_start(cmd: list[str], marker: bytes, env: dict[str, str],
              settle: bool = False) -> tuple[float, float]:
    """Seconds from exec to ``marker`` on a terminal; with ``settle``, also the app's peak
    RSS (MB) once its RSS has stopped changing for 2 s (or after 30 s)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(cmd[0], cmd, env)
    seen, rss = b"", 0.0
    try:
        while marker not in seen:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                raise TimeoutError(f"no {marker!r} from {cmd[0]}")
            seen += os.read(fd, 1 << 16)
        elapsed = time.perf_counter() - start
        if settle:
            last, steady, until = -1, 0.0, time.perf_counter() + 30
            while steady < 2 and time.perf_counter() < until:
                # keep reading: a full terminal buffer would stall the app
                if select.select([fd], [], [], 0.25)[0]:
                    os.read(fd, 1 << 16)
                now = _status(pid, "VmRSS")
                steady = steady + 0.25 if now == last else 0.0
                last = now
            rss = _status(pid, "VmHWM") / 1024
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return elapsed, rss


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def timeline_ms(db: Path) -> float:
    from screens.app import ScopekeeperApp
    from storage.ids import new_id
    from storage.workspace import Workspace
    from tracker.models import Interaction, InteractionKind

    today = date.today()  # noqa: DTZ011 - the benchmark is its own composition root
    ws = Workspace(db, user="bench", clock=lambda: today)
    target = next(c for c in ws.store.clients.all() if c.name == "Pinecrest Realty")
    have = sum(1 for i in ws.store.interactions.all() if i.client_id == target.id)
    ws.store.interactions.save_many(
        Interaction(id=new_id("Interaction"), client_id=target.id, kind=InteractionKind.EMAIL,
                    on=today - timedelta(days=n % 900)) for n in range(max(0, 5000 - have)))

    from screens.tables import KeyTable

    painted: list[float] = []
    paint = KeyTable.render_line

    def render_line(self: KeyTable, y: int) -> object:
        if self.id == "timeline-table" and self.row_count and not painted:
            painted.append(time.perf_counter())
        return paint(self, y)

    async def run() -> float:
        app = ScopekeeperApp(ws)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            KeyTable.render_line = render_line  # type: ignore[method-assign,assignment]
            start = time.perf_counter()
            app.open_client(target.id, "timeline")
            for _ in range(50):
                await pilot.pause(0.01)
                if painted:
                    break
            KeyTable.render_line = paint  # type: ignore[method-assign]
            return (painted[0] - start) * 1000

    return asyncio.run(run())


def measure(runs: int = 5) -> dict[str, float]:
    from storage.review_cache import cache_path

    env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "HOME": os.environ.get("HOME", "/tmp"), "COLUMNS": "80", "LINES": "24"}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.json"
        sk = [str(BIN), "--db", str(db)]

        def quietly(*args: str) -> None:
            subprocess.run([str(BIN), *args, "--db", str(db)], check=True,
                           stdout=subprocess.DEVNULL)

        quietly("demo", "--clients", "500", "--events", "100000")
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        # cold: no review computed today, so the records are read before the first frame
        cold = []
        for _ in range(3):
            cache_path(db).unlink(missing_ok=True)
            cold.append(app_start(sk, b"to review", env)[0])
        ours, stock, stale = [], [], []
        for n in range(runs):  # interleaved, so all see the same machine
            quietly("review")  # keeps today's review (whoever computes it next does)
            stock.append(app_start([sys.executable, str(bare)], b"READY", env)[0])
            ours.append(app_start(sk, b"to review", env)[0])
            # someone saves: the kept review is shown marked "updating" while records load
            quietly("log", "Pinecrest Realty", "--kind", "email", "--note", f"bench {n}")
            stale.append(app_start(sk, b"to review", env)[0])
        tl = statistics.median(timeline_ms(db) for _ in range(3))
    ready, base = statistics.median(ours), statistics.median(stock)
    return {"ready_s": round(ready, 3), "bare_textual_s": round(base, 3),
            "ratio": round(ready / base, 2),
            "ready_after_a_save_s": round(statistics.median(stale), 3),
            "ready_cold_s": round(statistics.median(cold), 3),
            "timeline_5000_ms": round(tl, 1), "runs": runs}


if __name__ == "__main__":
    import json

    print(json.dumps(measure()))
