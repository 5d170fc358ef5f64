"""A crash, if one ever happens, is one short line on the terminal; its details (a plain
traceback, no local variables) go to a private file under the person's state directory.

Issue 14: Textual's crash report printed every frame's local variables, about 20,000 lines
of client data (contacts, emails, fees, NPS comments), onto a shared terminal.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from screens.clients import ClientsScreen
from storage.repositories import Store
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file, make_app
from tests.ui.test_hangup import read_until

BIN = Path(sys.executable).parent / "scopekeeper"
NOW = datetime(2026, 11, 23, 9, 41, 7, tzinfo=UTC)
#: A screen that fails with client records in its local variables.
BOOM = """
def boom(self, snapshot):
    records = [a.client for a in snapshot.assessments]  # contacts, emails, fees
    raise RuntimeError("a bug on purpose")
"""


def private_data(db: Path) -> list[str]:
    """What must never reach the terminal: names and emails of the clients' contacts."""
    agency = Store(db).load_agency()
    found = [c.primary_contact for c in agency.clients if c.primary_contact]
    return [p.email for p in found if p.email] + [p.name for p in found]


def reports(state: Path) -> list[Path]:
    return sorted((state / "scopekeeper").glob("crash-*.log"))


async def test_a_screen_that_raises_shows_one_line_and_logs_the_traceback(tmp_path,
                                                                          monkeypatch):
    db = demo_file(tmp_path / "agency.json")
    namespace: dict[str, object] = {}
    exec(BOOM, namespace)
    monkeypatch.setattr(ClientsScreen, "show", namespace["boom"])
    app = make_app(db)
    app.crashes, app.crash_clock = tmp_path / "state" / "scopekeeper", lambda: NOW
    with pytest.raises(RuntimeError, match="on purpose"):  # Pilot re-raises it
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("c")
            await pilot.pause()
    assert app.return_code == 1
    (log,) = reports(tmp_path / "state")
    stamp = NOW.astimezone()
    assert log.name == f"crash-{stamp:%Y%m%d-%H%M%S}.log"  # the app's clock, not the wall's
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: a bug on purpose" in text
    assert ", in boom" in text and "records" not in text  # where it failed, no variables
    assert not any(secret in text for secret in private_data(db))
    line = app.crash_report
    assert line.startswith("scopekeeper stopped on an internal error; details in ")
    assert str(log) in line and "\n" not in line


def run_crashing_app(db: Path, tmp_path: Path, state: Path) -> tuple[bytes, int]:
    """The real command in a pty, its Clients screen failing on purpose; what the terminal
    received after the app left its screen, and the exit status."""
    launcher = tmp_path / "launch.py"
    launcher.write_text(
        "import sys\nimport screens.clients\n" + BOOM
        + "screens.clients.ClientsScreen.show = boom\n"
        "from scopekeeper.cli import main\nsys.exit(main())\n", encoding="utf-8")
    env = sealed_env(XDG_STATE_HOME=str(state), COLUMNS="80", LINES="24")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, str(launcher), "--db", str(db)], env)
    seen = bytearray()
    try:
        read_until(fd, b"to review", seen)
        os.write(fd, b"c")
        deadline = time.monotonic() + 20  # noqa: real-clock - a bound, not a measure
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0:
            assert time.monotonic() < deadline, "the app did not stop"  # noqa: real-clock
            with __import__("contextlib").suppress(OSError):
                seen += os.read(fd, 65536) if _ready(fd) else b""
        with __import__("contextlib").suppress(OSError):
            while _ready(fd):
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                seen += chunk
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
    after = bytes(seen).rpartition(b"\x1b[?1049l")[2]  # after leaving the app's screen
    return after, os.waitstatus_to_exitcode(done[1])


def _ready(fd: int) -> bool:
    import select

    return bool(select.select([fd], [], [], 0.05)[0])


def test_the_real_app_prints_one_short_line_and_no_client_data(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    state = tmp_path / "state"
    after, status = run_crashing_app(db, tmp_path, state)
    assert status == 1
    (log,) = reports(state)
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    assert "RuntimeError: a bug on purpose" in log.read_text(encoding="utf-8")
    shown = after.decode("utf-8", "replace")
    lines = [x for x in shown.replace("\r", "").split("\n") if x.strip()]
    assert len(lines) <= 2, shown  # a terminal may wrap the one line at 80 columns
    assert "scopekeeper stopped on an internal error" in shown and log.name in shown
    assert "Traceback" not in shown and "records" not in shown
    assert not any(secret in shown for secret in private_data(db))


def test_a_command_that_hits_a_bug_says_one_line_and_logs_it(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    state = tmp_path / "state"
    code = ("import sys\nimport scopekeeper.cli as cli\n"
            "from scopekeeper.commands.common import workspace_of\n"
            "def boom(args):\n    clients = workspace_of(args).store.load_agency().clients\n"
            "    raise KeyError('a bug on purpose')\n"
            "import scopekeeper.commands.review as review\n"
            "review.cmd_review = boom\nsys.exit(cli.main())\n")
    done = subprocess.run([sys.executable, "-c", code, "--db", str(db), "review"],
                          env=sealed_env(XDG_STATE_HOME=str(state)), capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 1 and done.stdout == ""
    (log,) = reports(state)
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("scopekeeper stopped on an internal error; details in ")
    assert str(log) in done.stderr
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    assert "KeyError: 'a bug on purpose'" in log.read_text(encoding="utf-8")
    assert not any(s in done.stderr + log.read_text(encoding="utf-8")
                   for s in private_data(db))
