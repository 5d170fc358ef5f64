"""The app always ends once its terminal is gone, whatever it was doing.

A dropped SSH connection shows up as SIGHUP, as end-of-file (or an error) on the terminal,
or both; an administrator's ``kill`` as SIGTERM. Any of them is *the terminal is lost*:

1. open forms are kept as drafts by the app (``ScopekeeperApp.hang_up``, on its loop), and
   the app exits with status 0;
2. an editor started from a form is asked to end (it normally got the SIGHUP too);
3. whatever happens on the way out, a watchdog ends the process :data:`DEADLINE` seconds
   later with ``os._exit(0)``: never an orphan left at 100% CPU.

Textual's own terminal driver needs two repairs for this (Textual 8.2, ``LinuxDriver``):
its input thread reads end-of-file in a loop until the app stops it (10,000 reads in 2 s
were seen), and its output thread dies on the first write to a hung-up terminal, after
which the 31st write blocks the app for ever (at once with ``PYTHONUNBUFFERED=1``).
:class:`SturdyDriver` watches the terminal for a hang-up (``poll`` without events: it wakes
only on hang-up or error, costing nothing meanwhile), stops the input thread then, and
drops output to a terminal that is gone.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

#: Seconds from losing the terminal to the end of the process, orderly or not.
DEADLINE = 2.0
#: Seconds an editor is given to end after being asked, before it is killed.
EDITOR_GRACE = 0.5
#: Seconds from the app's closing to the end of the process when only a read is left.
QUIT_DEADLINE = 1.0


class Lifeline:
    """Ends the process once the terminal is lost: installed once the app's loop runs."""

    def __init__(self, hang_up: Callable[[], None]) -> None:
        self._hang_up = hang_up  # run on the app's loop: keep drafts, then exit
        self._loop: Any = None
        self._lost = False  # a flag, not a lock: set from signal handlers and threads
        self.editor: subprocess.Popen[bytes] | None = None  # an editor running from a form

    @property
    def lost(self) -> bool:
        return self._lost

    def catch_signals(self) -> None:
        """Catch SIGHUP and SIGTERM with a plain handler (before the app runs): it runs
        even while the loop is blocked (an editor open, a write stuck), unlike the loop's."""
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread
                signal.signal(sig, self._signalled)

    def attach(self, loop: Any) -> None:
        """The app's loop runs: drafts can be kept (at once if the terminal went already)."""
        self._loop = loop
        if self._lost:
            loop.call_soon(self._hang_up)

    def _signalled(self, signum: int, frame: object) -> None:
        self.lose()

    def lose(self) -> None:
        """The terminal is gone (any thread, or a signal handler): end, within the deadline."""
        if self._lost:
            return
        self._lost = True
        threading.Thread(target=self._watchdog, name="scopekeeper-watchdog", daemon=True).start()
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to keep
                self._loop.call_soon_threadsafe(self._hang_up)

    def _watchdog(self) -> None:
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            editor = self.editor  # also one started just after the hang-up
            if editor is not None and editor.poll() is None:
                _end(editor)
            time.sleep(0.05)
        os._exit(0)  # the orderly way out did not finish in time (or a thread holds it)


def end_within(seconds: float, status: Callable[[], int]) -> None:
    """End the process ``seconds`` from now with ``status()`` unless it has ended by itself:
    for work nobody waits for once the app has closed (a read under way: the day's first
    review on a large database takes seconds, and Python would wait for it at exit). A read
    cut short leaves nothing half-written: a database rolls its transaction back, a file
    is replaced whole or not at all."""

    def watchdog() -> None:
        time.sleep(seconds)
        os._exit(status())

    threading.Thread(target=watchdog, name="scopekeeper-quit", daemon=True).start()


def _end(child: subprocess.Popen[bytes]) -> None:
    """Ask ``child`` to end (the hang-up it had may have been ignored), then make it."""
    with contextlib.suppress(OSError):
        child.send_signal(signal.SIGHUP)
        try:
            child.wait(EDITOR_GRACE)
        except subprocess.TimeoutExpired:
            child.kill()


class _Terminal:
    """The terminal as Textual's output thread writes to it: once it is gone (EIO, EPIPE),
    output is dropped instead of killing the thread (which left the app blocked)."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._file.write(text)
            except (OSError, ValueError):
                self.gone = True
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self.gone = True

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


class SturdyDriver(LinuxDriver):
    """Textual's Linux driver, ending cleanly when its terminal goes (see the module)."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        # the file Textual's output thread writes to (a private name in Textual 8.2; the
        # test tests/ui/test_lifeline.py fails if it moves)
        self._file = _Terminal(self._file)  # type: ignore[assignment, arg-type]
        self._watching = False

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[no-untyped-call]
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch, name="scopekeeper-hangup", daemon=True).start()

    def _watch(self) -> None:
        """Wait, without spending anything, for the terminal to hang up or fail."""
        poll = select.poll()
        poll.register(self.fileno, 0)  # no events asked: only POLLHUP/POLLERR/POLLNVAL wake
        while not poll.poll():
            pass
        self.exit_event.set()  # the input thread stops instead of reading EOF in a loop
        lose = getattr(self._app, "terminal_lost", None)
        if callable(lose):
            lose()


def driver_for(default: type[Driver]) -> type[Driver]:
    """The driver to run the app with: :class:`SturdyDriver` in place of Textual's Linux one."""
    return SturdyDriver if default is LinuxDriver else default
