"""The app in a real pseudo-terminal, and what is left of it once the terminal is gone."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

from tests.sealed import sealed_env

BIN = Path(sys.executable).parent / "scopekeeper"
#: The issue's bound: the process is gone this many seconds after losing its terminal.
GONE_WITHIN = 3.0


class Session:
    """``scopekeeper --db DB`` on a pty of its own (it leads its own session, as over SSH)."""

    def __init__(self, db: Path, home: Path, stdin_fd: int | None = None, **env: str) -> None:
        self.home = home
        self.env = sealed_env(home=home, COLUMNS="80", LINES="24", **env)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            if stdin_fd is not None:
                os.dup2(stdin_fd, 0)
            os.execve(str(BIN), [str(BIN), "--db", str(db)], self.env)
        self.seen = bytearray()
        self.status: int | None = None

    def wait_for(self, marker: bytes, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {marker!r} on screen: {bytes(self.seen[-800:])!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.fd, 65536)
                except OSError:
                    raise AssertionError(f"the app ended: {bytes(self.seen[-800:])!r}") from None

    def press(self, keys: str, marker: bytes | None = None) -> None:
        self.seen.clear()
        os.write(self.fd, keys.encode())
        if marker is not None:
            self.wait_for(marker)

    def drain(self) -> None:
        """Read what is waiting (a full pty would stop the app's output)."""
        while select.select([self.fd], [], [], 0)[0]:
            try:
                self.seen += os.read(self.fd, 65536)
            except OSError:
                return

    def hang_up(self) -> None:
        """The connection drops: closing the pty's master sends SIGHUP to the app."""
        os.close(self.fd)
        self.fd = -1

    def gone_within(self, seconds: float = GONE_WITHIN, what: str = "") -> int:
        """The exit status, once the process has ended; fails (and kills it) if it is still
        there ``seconds`` later, saying what its threads were doing."""
        deadline = time.monotonic() + seconds  # noqa: real-clock - the issue's 3 s bound
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                return status
            if time.monotonic() > deadline:  # noqa: real-clock - the issue's 3 s bound
                break
            time.sleep(0.02)
        report = describe(self.pid)
        self.kill()
        raise AssertionError(f"{what}: still running {seconds} s after losing its terminal; "
                             f"{report}")

    def kill(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.status = -1
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def drafts(self) -> list[dict[str, object]]:
        folder = self.home / ".local" / "state" / "scopekeeper" / "drafts"
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of ``pid`` (None once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def describe(pid: int) -> str:
    """Each thread of ``pid``: its name, state and CPU ticks."""
    threads = []
    for task in sorted(Path(f"/proc/{pid}/task").glob("*")):
        try:
            comm = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            threads.append(f"{comm} {fields[0]} cpu={int(fields[11]) + int(fields[12])}")
        except OSError:
            continue
    return "threads: " + "; ".join(threads)


def left_in_session(sid: int) -> list[str]:
    """Processes still in session ``sid`` (the app's: it led its own), e.g. an editor."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm, rest = text.split(" (", 1)[1].rsplit(")", 1)
        if int(rest.split()[3]) == sid:
            found.append(f"{stat.parent.name} {comm}")
    return found


def ended_cleanly(session: Session, what: str) -> None:
    """Gone within the bound, with status 0, and nothing of it left running."""
    status = session.gone_within(what=what)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (
        f"{what}: ended with {status} (signal {os.WTERMSIG(status) if os.WIFSIGNALED(status) else '-'})")
    deadline = time.monotonic() + GONE_WITHIN  # noqa: real-clock - the issue's 3 s bound
    while (left := left_in_session(session.pid)) and time.monotonic() < deadline:  # noqa: real-clock
        time.sleep(0.05)
    assert left == [], f"{what}: left running in its session: {left}"
