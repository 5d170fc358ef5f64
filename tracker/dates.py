"""The days people type, read relative to an injected ``today``, and the one range every
date lives in.

Every date anywhere -- typed in a form or on the command line, imported, read from the data
file, named by a moved clock -- lies between :data:`EARLIEST` and :data:`LATEST`. One
interaction dated 9999-12-31 once made date arithmetic overflow in the review of everyone
sharing the file.

What a date means depends on what it is the date of (:class:`Sense`): something that
happened is not in the future, and a date written without a year is the last such day for
it, the next such day for a due date, the nearest one otherwise.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
EXAMPLES = "2026-12-01, Dec 1, next fri or 3 days ago"


class Sense(StrEnum):
    """What a typed date is the date of."""

    ANY = "any"  # no year: the nearest such day
    PAST = "past"  # something that happened: today or earlier; no year: the last such day
    DUE = "due"  # something to come: no year means the next such day (today included)


class DateParseError(ValueError):
    pass


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def clamp(day: date) -> date:
    """The nearest day in the range (keeps the order of any two days)."""
    return min(max(day, EARLIEST), LATEST)


def out_of_range(shown: str) -> str:
    """The one message for a day outside the range."""
    return f"{shown} is out of range: dates run from {EARLIEST} to {LATEST}"


_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_RELATIVE = re.compile(
    r"^(?:(?P<in>in)\s+)?(?P<sign>[+-])?(?P<n>[0-9]{1,4})\s*"
    r"(?P<unit>d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)(?:\s+(?P<ago>ago))?$")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WD = (r"(mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?"
       r"|sat(?:urday)?|sun(?:day)?)")
_WEEKDAY = re.compile(rf"^(next|last|this)?\s*{_WD}$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_ORD = r"(?:st|nd|rd|th)?"
# "1 Dec", "1st of December 2026", "Dec 1", "December 1st, 2026", "Tue 1 Dec 2026"
_NAMED = re.compile(
    rf"^(?:{_WD}\s+)?(?:([0-9]{{1,2}}){_ORD}\s+(?:of\s+)?{_MON}|{_MON}\s+([0-9]{{1,2}}){_ORD})"
    r"(?:\s+([0-9]{4}))?$")
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _bad(text: str) -> DateParseError:
    return DateParseError(f"not a date: {text!r} (try {EXAMPLES})")


def add_months(day: date, n: int) -> date:
    """``n`` calendar months later (earlier if negative); the 31st becomes the month's last
    day where there is no 31st."""
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _relative(m: re.Match[str], text: str, today: date) -> date:
    if m["ago"] and (m["in"] or m["sign"]):
        raise _bad(text)
    n = int(m["n"]) * (-1 if m["ago"] or m["sign"] == "-" else 1)
    unit = m["unit"][0]
    if unit == "d":
        return today + timedelta(days=n)
    if unit == "w":
        return today + timedelta(weeks=n)
    return add_months(today, n * (12 if unit == "y" else 1))


def _weekday(m: re.Match[str], today: date, sense: Sense) -> date:
    wd = _WEEKDAYS.index(m[2][:3])
    back = (today.weekday() - wd) % 7  # days since the last such day (0: today)
    if m[1] == "last":
        return today - timedelta(days=back or 7)
    if m[1] is None and sense is Sense.PAST:  # "fri" for something that happened
        return today - timedelta(days=back)
    ahead = (wd - today.weekday()) % 7
    if m[1] == "this":  # this week's: today included
        return today + timedelta(days=ahead)
    return today + timedelta(days=ahead or 7)  # the coming one


def _no_such_day(text: str, day: int, month: int) -> DateParseError:
    return DateParseError(f"not a date: {text!r} (there is no {day} "
                          f"{calendar.month_abbr[month]})")


def _yearless(month: int, day: int, today: date, sense: Sense, text: str) -> date:
    """The sensible year for a day written without one."""
    found = []
    for year in range(today.year - 8, today.year + 9):  # a 29 Feb is within 8 years
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    if not found:
        raise _no_such_day(text, day, month)
    if sense is Sense.PAST:
        return max(d for d in found if d <= today)
    if sense is Sense.DUE:
        return min(d for d in found if d >= today)
    return min(found, key=lambda d: (abs((d - today).days), d < today))


def _named(m: re.Match[str], text: str, today: date, sense: Sense) -> date:
    weekday, d1, mon1, mon2, d2, year = m.groups()
    month = _MONTHS.index((mon1 or mon2)[:3]) + 1
    day = int(d1 or d2)
    if year is None:
        found = _yearless(month, day, today, sense, text)
    else:
        try:
            found = date(int(year), month, day)
        except ValueError:
            raise _no_such_day(text, day, month) from None
    if weekday and _WEEKDAYS.index(weekday[:3]) != found.weekday():
        raise DateParseError(f"{found:%d %b %Y} is a {found:%A}, not {weekday!r}")
    return found


def _read(s: str, text: str, today: date, sense: Sense) -> date:
    if s in _WORDS:
        return today + timedelta(days=_WORDS[s])
    if _ISO.match(s):
        try:
            return date.fromisoformat(s)
        except ValueError:
            raise DateParseError(f"not a date: {text!r} (no such day; write it "
                                 "YYYY-MM-DD)") from None
    if m := _RELATIVE.match(s):
        return _relative(m, text, today)
    if m := _WEEKDAY.match(s):
        return _weekday(m, today, sense)
    if m := _NAMED.match(" ".join(s.replace(",", " ").replace(".", " ").split())):
        return _named(m, text, today, sense)
    raise _bad(text)


def parse_day(text: str, today: date, sense: Sense = Sense.ANY) -> date:
    """``2026-12-01``, ``Dec 1``, ``1 December 2026``, ``today``, ``yesterday``,
    ``tomorrow``, ``3 days ago``, ``+2w``, ``in 2 weeks``, ``-1 month``, ``fri`` / ``next fri``
    (the coming one; for something that happened ``fri`` is the last one), ``last mon``.

    Numeric forms other than ISO (``12/01``) are refused: half the world reads them the
    other way round. :class:`DateParseError` (one line, with examples) for anything else,
    for a day outside the range, and for a future day when ``sense`` is PAST.
    """
    shown = " ".join(text.split())
    s = shown.lower()
    if not s:
        raise DateParseError("no date given")
    if len(s) > 40:
        raise _bad(shown[:40] + "...")
    try:
        day = _read(s, shown, today, sense)
    except DateParseError:
        raise
    except (OverflowError, ValueError):  # arithmetic beyond any calendar
        raise DateParseError(out_of_range(repr(shown))) from None
    if not in_range(day):
        raise DateParseError(out_of_range(repr(shown) if s == day.isoformat()
                                          else f"{shown!r} ({day})"))
    if sense is Sense.PAST and day > today:
        raise DateParseError(f"{shown!r} is {day:%a %d %b %Y}, in the future: give the day "
                             "it happened (today or earlier)")
    return day
