"""The one way the app tells people something in a toast (and its last words on a crash).

Messages name clients, people, files and errors, any of which may hold what a colleague
typed or imported: :func:`tell` puts them through the one cleaner (:mod:`tracker.text`) and
never reads them as markup. A guard (tests/unit/test_terminal_output.py) fails if a screen
calls ``notify`` with anything but a literal.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.text import Text
from textual.notifications import SeverityLevel

from tracker.text import clean_line, clean_text


class Notifies(Protocol):
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


def tell(where: Notifies, message: str, *, title: str = "",
         severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A toast from ``where`` (the app, a screen or a widget): text, never markup; no
    control character, escape sequence or bidi override reaches the terminal."""
    where.notify(clean_text(message), title=clean_line(title), severity=severity,
                 timeout=timeout, markup=False)


class _Prints(Protocol):
    def print(self, *objects: Any, soft_wrap: bool | None = None) -> None: ...


def last_words(console: _Prints, line: str) -> None:
    """The one line the app leaves on the terminal as it stops on an error: cleaned, never
    markup, never cut or wrapped by the console (a file's name in it must survive a copy)."""
    console.print(Text(clean_line(line)), soft_wrap=True)
