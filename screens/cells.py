"""Building display cells from user data: always ``rich.text.Text``, never markup."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from tracker.text import clean_line

if TYPE_CHECKING:
    from tracker.health import Health

# keyed by the value of tracker.health.Band (a StrEnum), which the Review screen, drawn
# before the rules are imported, does not need
BAND_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red"}


def cell(value: object, style: str = "") -> Text:
    """User text as a literal, one-line cell: markup shows as typed, controls are replaced."""
    return Text(clean_line(str(value)), style=style, no_wrap=True, overflow="ellipsis")


def urgency_cell(urgency: int) -> Text:
    style = "bold red" if urgency >= 80 else "yellow" if urgency >= 55 else ""
    return Text(f"{urgency:3d}", style=style, justify="right")


def health_cell(h: Health) -> Text:
    """A badge that does not rely on colour alone: ``risk  40`` (the word is the band's own,
    read off the score: :func:`tracker.health.band_of`)."""
    return Text(f"{h.band.word:<5} {h.score:3d}", style=BAND_STYLE[h.band])


def day_cell(day: date | None, today: date, late_from: date | None = None) -> Text:
    """A compact due date: ``12d late``, ``today``, ``in 3d``, ``24 Dec``.

    ``late_from`` is the deadline when it differs from the due day (a visit window)."""
    if day is None:
        return Text("—", style="dim")
    deadline = late_from or day
    if today > deadline:
        return Text(f"{(today - deadline).days}d late", style="bold red")
    delta = (day - today).days
    if delta <= 0:
        return Text("due now" if delta < 0 else "today", style="bold yellow")
    if delta <= 14:
        return Text(f"in {delta}d")
    return Text(f"{day:%d %b}")


def lines_of(parts: list[Text], width: int, sep: str = "", lead: str = "") -> Text:
    """``parts`` side by side, ``sep`` between them, each line starting with ``lead``; a
    part that would cross ``width`` starts a new line instead of being cut off (a label or a
    count is never split)."""
    out, used = Text(lead), len(lead)
    for n, part in enumerate(parts):
        gap = sep if n else ""
        if n and used + len(gap) + part.cell_len > width:
            out.append("\n" + lead)
            used, gap = len(lead), ""
        out.append(gap)
        out.append(part)
        used += len(gap) + part.cell_len
    return out
