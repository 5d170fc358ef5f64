"""Reading the dates people type, relative to an injected ``today``."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_RELATIVE = re.compile(r"^([+-]?\d{1,4})\s*(d|day|days|w|wk|week|weeks|m|month|months)(\s+ago)?$")


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WD = (MO, TU, WE, TH, FR, SA, SU)
_WEEKDAY = re.compile(
    r"^(next|last|this)?\s*(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)$")


class DateParseError(ValueError):
    pass


def parse_day(text: str, today: date) -> date:
    """``2026-12-01``, ``Dec 1``, ``1 Dec 2026``, ``today``, ``yesterday``, ``tomorrow``,
    ``3 days ago``, ``+2w``, ``-1 month``, ``fri`` / ``next fri`` (the coming one),
    ``last mon``. Partial dates fill in from ``today``.
    """
    s = " ".join(text.strip().lower().split())
    if not s:
        raise DateParseError("no date given")
    if s in _WORDS:
        return today + timedelta(days=_WORDS[s])
    m = _RELATIVE.match(s)
    if m:
        n = int(m.group(1)) * (-1 if m.group(3) else 1)
        unit = m.group(2)[0]
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        moved: date = today + relativedelta(months=n)
        return moved
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    m = _WEEKDAY.match(s)
    if m:
        wd = _DAYS.index(m.group(2)[:3])
        step = -1 if m.group(1) == "last" else +1
        found: date = today + relativedelta(days=step, weekday=_WD[wd](step))
        return found
    from dateutil import parser as du_parser  # the slowest import here: only when needed

    try:
        midnight = datetime(today.year, today.month, today.day)  # noqa: DTZ001 - a calendar day
        parsed: datetime = du_parser.parse(s, default=midnight)
        return parsed.date()
    except (ValueError, OverflowError):
        raise DateParseError(
            f"not a date: {text.strip()!r} (try 2026-12-01, Dec 1, next fri or 3 days ago)"
        ) from None
