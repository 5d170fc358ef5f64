"""The one way out to the terminal for the commands.

Everything a command prints passes through here, and so through the one cleaner
(:mod:`tracker.text`): a name, a note, an id or a file name holding an escape sequence, a
C1 control or a bidi override reaches the terminal as text (U+FFFD), never as control.
A guard (tests/unit/test_terminal_output.py) fails if any other module of ``scopekeeper/``
or ``screens/`` prints, notifies or writes anything but a literal.
"""

from __future__ import annotations

import sys

from tracker.text import clean_line, clean_text


def say(text: str = "", end: str = "\n") -> None:
    """Text on standard output, its lines as they are (TAB and LF kept), controls replaced."""
    sys.stdout.write(clean_text(text) + end)


def note(text: str) -> None:
    """One line on standard error: what was written, a warning, a problem, an error."""
    sys.stderr.write(clean_line(text) + "\n")


def document(text: str) -> None:
    """A document on standard output, as written (its lines and tabs), controls replaced."""
    sys.stdout.write(clean_text(text))


def data(raw: bytes) -> None:
    """An export on standard output. JSON escapes what could control a terminal itself
    (lossless); an iCalendar file ends its lines with CRLF, kept. Anything else that would
    reach the terminal as control is replaced."""
    text = raw.decode("utf-8", errors="replace")
    sys.stdout.flush()
    sys.stdout.buffer.write("\r\n".join(map(clean_text, text.split("\r\n"))).encode("utf-8"))


class Steps:
    """Progress through ``total`` steps on standard error: on a terminal one bar redrawn in
    place (a carriage return, the bar, the cleaned text, spaces over what was longer), then
    left on its own line; elsewhere (a pipe, a log file) one plain line per step."""

    WIDTH = 24

    def __init__(self, total: int, tty: bool | None = None) -> None:
        self.total = max(total, 1)
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.shown = 0  # the length of the bar last drawn

    def step(self, done: int, text: str) -> None:
        text = clean_line(text)
        if not self.tty:
            note(f"[{done}/{self.total}] {text}")
            return
        filled = self.WIDTH * min(done, self.total) // self.total
        line = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{self.total} {text}"
        sys.stderr.write("\r" + line + " " * max(self.shown - len(line), 0))
        sys.stderr.flush()
        self.shown = len(line)

    def finish(self) -> None:
        if self.tty and self.shown:
            sys.stderr.write("\n")
            self.shown = 0
