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
