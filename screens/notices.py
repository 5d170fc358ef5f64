"""The one way the app tells people something in a toast.

Messages name clients, people, files and errors, any of which may hold what a colleague
typed or imported: :func:`tell` puts them through the one cleaner (:mod:`tracker.text`) and
never reads them as markup. A guard (tests/unit/test_terminal_output.py) fails if a screen
calls ``notify`` with anything but a literal.
"""

from __future__ import annotations

from typing import Protocol

from textual.notifications import SeverityLevel

from tracker.text import clean_line, clean_text


class _Notifies(Protocol):
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


def tell(where: _Notifies, message: str, *, title: str = "",
         severity: SeverityLevel = "information", timeout: float | None = None) -> None:
    """A toast from ``where`` (the app, a screen or a widget): text, never markup; no
    control character, escape sequence or bidi override reaches the terminal."""
    where.notify(clean_text(message), title=clean_line(title), severity=severity,
                 timeout=timeout, markup=False)
