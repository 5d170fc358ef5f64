"""The real command in a real pseudo-terminal: the terminals people use over SSH, a slow
link that splits an arrow key, --no-mouse, and terminals that cannot show the app."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage.repositories import Store
from tests.factories import TODAY
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file
from tracker.review import build_review

BIN = Path(sys.executable).parent / "scopekeeper"


class Terminal:
    def __init__(self, db: Path, tmp: Path, *args: str, **env: str) -> None:
        self.env = sealed_env(home=tmp / "home", COLUMNS="80", LINES="24", **env)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(str(BIN), [str(BIN), "--db", str(db), *args], self.env)
        self.seen = bytearray()

    def wait_for(self, marker: bytes, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {marker!r} in {bytes(self.seen[-1200:])!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                self.seen += os.read(self.fd, 65536)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def db(tmp_path):
    return demo_file(tmp_path / "agency.json")


@pytest.mark.parametrize("env", [
    {"TERM": "xterm-256color"}, {"TERM": "screen"}, {"TERM": "linux"},
    {"TERM": "screen-256color", "NO_COLOR": "1"}, {"TERM": "xterm", "COLORTERM": "truecolor"},
], ids=lambda e: "+".join(f"{k}={v}" for k, v in e.items()))
def test_starts_in_the_terminals_people_use(db, tmp_path, env):
    t = Terminal(db, tmp_path, **env)
    try:
        t.wait_for(b"to review")
        t.wait_for(b"Quit")
    finally:
        t.close()


def test_an_arrow_key_split_by_a_slow_link_is_still_an_arrow(db, tmp_path):
    review = build_review(Store(db).load_agency(), TODAY)  # the app's day (sealed)
    second = review[1].why.encode()[:30]
    t = Terminal(db, tmp_path, "--no-mouse")
    try:
        t.wait_for(b"to review")
        time.sleep(0.5)  # the records are read after the first frame
        t.seen.clear()
        os.write(t.fd, b"\x1b")
        time.sleep(0.15)  # network jitter between ESC and the rest of the sequence
        os.write(t.fd, b"[B")  # ... which together are the down arrow
        t.wait_for(second)  # the why line now explains the second item
    finally:
        t.close()
    assert b"\x1b[?1000h" not in t.seen and b"\x1b[?1003h" not in t.seen  # --no-mouse


def test_mouse_reporting_is_on_without_no_mouse(db, tmp_path):
    t = Terminal(db, tmp_path)
    try:
        t.wait_for(b"to review")
    finally:
        t.close()
    assert b"\x1b[?1000h" in t.seen


@pytest.mark.parametrize("term", ["dumb", "unknown", "vt100"])
def test_a_terminal_that_cannot_show_the_app_gets_a_plain_message(db, tmp_path, term):
    t = Terminal(db, tmp_path, TERM=term)
    try:
        t.wait_for(b"cannot show the app")
        _, status = os.waitpid(t.pid, 0)
        assert os.waitstatus_to_exitcode(status) == 2
        assert b"\x1b[" not in t.seen  # not one escape sequence reached it
    finally:
        with contextlib.suppress(OSError):
            os.close(t.fd)


def test_without_a_terminal_it_points_to_the_commands(db, tmp_path):
    out = subprocess.run([str(BIN), "--db", str(db)], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=30,
                         env=sealed_env(home=tmp_path))
    assert out.returncode == 2
    assert out.stderr.startswith("scopekeeper: error: the app needs a terminal; use the "
                                 "commands (e.g. 'scopekeeper review')")


def test_a_database_day_nobody_worked_out_yet_starts_saying_so_then_shows_it(request,
                                                                           tmp_path):
    """The first start of a day on a database, with no copy of this person's: working the
    day out takes seconds on a large agency, so the app is on screen at once, saying so."""
    from datetime import timedelta

    from storage.postgres.store import PgStore
    from tests.ui.helpers import demo_database

    url = demo_database(request.getfixturevalue("postgres_server"))
    day = TODAY + timedelta(days=3)  # no review has worked it out
    t = Terminal(url, tmp_path, SCOPEKEEPER_TODAY=day.isoformat())  # type: ignore[arg-type]
    try:
        t.wait_for(b"Working out today's review")
        t.wait_for(b"to review")
    finally:
        t.close()
    assert PgStore(url).kept_review(day) is not None  # kept for everyone's next start


def test_a_database_that_cannot_be_reached_is_one_line_before_any_screen(tmp_path):
    t = Terminal(f"postgresql:///nowhere?host={tmp_path}", tmp_path)  # type: ignore[arg-type]
    try:
        t.wait_for(b"nowhere")
        _, status = os.waitpid(t.pid, 0)
        assert os.waitstatus_to_exitcode(status) != 0
    finally:
        t.close()
    text = bytes(t.seen).decode(errors="replace")
    assert "Traceback" not in text and "\x1b[?1049h" not in text  # no app was started
    assert next(line for line in text.splitlines() if line.strip()).startswith(
        "scopekeeper: error:")


def test_quitting_while_a_read_is_under_way_does_not_wait_for_it(request, tmp_path):
    """The day's first review on a large database takes seconds to work out, after the
    first frame: a person who quits meanwhile gets their shell back, status 0, without
    waiting for it (here the read waits on a lock held for as long as the test runs)."""
    from datetime import timedelta

    import psycopg

    from tests.ui.helpers import demo_database

    url = demo_database(request.getfixturevalue("postgres_server"))
    day = TODAY + timedelta(days=4)  # nobody worked it out: read after the first frame
    with psycopg.connect(url, autocommit=True) as locker, locker.transaction():
        locker.execute("lock table interactions in access exclusive mode")
        t = Terminal(url, tmp_path, SCOPEKEEPER_TODAY=day.isoformat())  # type: ignore[arg-type]
        try:
            t.wait_for(b"Working out today's review")
            deadline = time.monotonic() + 20
            while locker.execute("select count(*) from pg_locks where not granted"
                                 ).fetchone() == (0,):  # until the app's read waits on it
                assert time.monotonic() < deadline, "the app's read never started"
                time.sleep(0.05)
            os.write(t.fd, b"q")
            deadline = time.monotonic() + 20
            while (ended := os.waitpid(t.pid, os.WNOHANG))[0] == 0:
                assert time.monotonic() < deadline, "quitting waited for the read"
                with contextlib.suppress(OSError):  # keep draining what the app writes
                    if select.select([t.fd], [], [], 0.05)[0]:
                        t.seen += os.read(t.fd, 65536)
            assert os.waitstatus_to_exitcode(ended[1]) == 0
        finally:
            t.close()
