"""A dropped SSH connection (SIGHUP) closes the app cleanly and keeps the open form."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

from screens.forms import FormScreen
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file, make_app

BIN = Path(sys.executable).parent / "scopekeeper"


def read_until(fd: int, marker: bytes, seen: bytearray, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while marker not in seen:
        if time.monotonic() > deadline:
            raise AssertionError(f"no {marker!r} in {bytes(seen[-1500:])!r}")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 65536)


def test_hang_up_exits_cleanly_keeps_the_form_and_offers_it_back(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    state = tmp_path / "state"
    env = sealed_env(XDG_STATE_HOME=str(state), COLUMNS="80", LINES="24")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(str(BIN), [str(BIN), "--db", str(db)], env)
    seen = bytearray()
    try:
        read_until(fd, b"to review", seen)
        os.write(fd, b"c")
        read_until(fd, b"/ filter", seen)
        os.write(fd, b"n")
        read_until(fd, b"Main contact", seen)
        os.write(fd, b"Half-typed Bakery")
        read_until(fd, b"Half-typed Bakery", seen)
        os.close(fd)  # the connection drops: the kernel sends SIGHUP
        deadline = time.monotonic() + 15
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
            assert time.monotonic() < deadline, "the app did not exit after the hang-up"
            time.sleep(0.05)
        status = done[1]
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status  # not killed by it
    (kept,) = (state / "scopekeeper" / "drafts").glob("*.json")
    draft = json.loads(kept.read_text(encoding="utf-8"))
    assert draft["values"]["name"] == "Half-typed Bakery" and draft["data_file"] == str(db)
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    # nothing is left held: another person saves at once (the lock waits up to 10 s)
    from storage.engine.settings import Settings
    from storage.workspace import Workspace
    from tests.factories import TODAY
    from tracker.models import InteractionKind

    # a lock still held would fail this at once: lock_timeout=0 tries exactly once
    other = Workspace(db, user="other", clock=lambda: TODAY, settings=Settings(lock_timeout=0))
    other.log(other.find_client("Pinecrest"), InteractionKind.EMAIL, TODAY)


async def test_the_same_form_comes_back_filled_in_and_saving_forgets_the_draft(tmp_path):
    from storage import drafts

    db = demo_file(tmp_path / "agency.json")
    folder = tmp_path / "drafts"
    app = make_app(db)
    app.drafts, app.data_file = folder, str(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        form.query_one("#field-name").value = "Half-typed Bakery"
        app.hang_up()  # what SIGHUP does
        await pilot.pause()
    (draft,) = drafts.pending(folder, str(db))
    assert draft.title == form.form_title

    app = make_app(db)
    app.drafts, app.data_file = folder, str(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause(0.4)  # said once the first frame is out
        assert any("Kept when your connection dropped" in n.message
                   for n in app._notifications)
        await pilot.press("c", "n")
        await pilot.pause()
        assert app.screen.query_one("#field-name").value == "Half-typed Bakery"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert drafts.pending(folder, str(db)) == []
    assert any(c.name == "Half-typed Bakery" for c in __import__(
        "storage.repositories", fromlist=["Store"]).Store(db).clients.all())
