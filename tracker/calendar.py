"""What goes in people's calendars: the coming status calls, monthly reports and visit
windows of every active client, each with an id that stays the same from one export to the
next (client, cadence and period), so that importing again updates instead of duplicating.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tracker.cadence import CadenceKind, applicable, last_qualifying, window
from tracker.models import Agency, CallFrequency, Client, Interaction
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

STEP = {CallFrequency.WEEKLY: relativedelta(days=7),
        CallFrequency.BIWEEKLY: relativedelta(days=14),
        CallFrequency.MONTHLY: relativedelta(months=1)}


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    uid: str
    client_id: str
    client: str
    kind: str  # "status_call", "monthly_report" or "visit"
    start: date
    end: date  # exclusive: all-day events end the day after
    summary: str
    description: str


def _period(kind: str, day: date) -> str:
    if kind == "status_call":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def _event(c: Client, kind: str, due: date, start: date, end: date, summary: str,
           detail: str) -> CalendarEvent:
    """``due``: the day it is due by the cadence, which names it (shown on ``start``)."""
    return CalendarEvent(uid=f"{c.id}.{kind}.{_period(kind, due)}@scopekeeper",
                         client_id=c.id, client=c.name, kind=kind, start=start, end=end,
                         summary=summary, description=detail)


def upcoming(agency: Agency, today: date, days: int = 30,
             t: Thresholds = DEFAULT_THRESHOLDS) -> list[CalendarEvent]:
    """Every event from today to ``today + days`` (something overdue is put on today)."""
    last_day = today + timedelta(days=days)
    log: dict[str, list[Interaction]] = {}
    for i in agency.interactions:
        log.setdefault(i.client_id, []).append(i)
    events: list[CalendarEvent] = []
    for c in agency.clients:
        kinds = applicable(c)
        mine = log.get(c.id, [])
        contact = c.primary_contact.name if c.primary_contact else ""
        extra = "".join(f"\n{label}: {value}" for label, value in
                        (("Main contact", contact), ("Channel", c.channel_url)) if value)
        for kind in (CadenceKind.STATUS_CALL, CadenceKind.MONTHLY_REPORT):
            if kind not in kinds:
                continue
            last = last_qualifying(mine, kind)
            _, deadline = window(c, kind, last, t)
            step = STEP[c.cadence.status_call] if kind is CadenceKind.STATUS_CALL else (
                relativedelta(months=1))
            label = "Status call" if kind is CadenceKind.STATUS_CALL else "Monthly report"
            when, n = deadline, 0
            while when <= last_day and n < 60:
                overdue = when < today
                on = today if overdue else when
                since = f" (last {last:%d %b %Y})" if last else ""
                note = (f"Overdue since {when:%d %b %Y}{since}." if overdue
                        else f"Due{since}.") + extra
                events.append(_event(c, kind.value, when, on, on + timedelta(days=1),
                                     f"{label}: {c.name}" + (" (overdue)" if overdue else ""),
                                     note))
                if overdue:  # the next one counts from when this one really happens
                    break
                n += 1
                when = deadline + step * n
        if CadenceKind.VISIT in kinds:
            last = last_qualifying(mine, CadenceKind.VISIT)
            due_on, deadline = window(c, CadenceKind.VISIT, last, t)
            start = max(due_on, today)
            if start <= last_day:
                where = f" in {c.location}" if c.location else ""
                late = deadline < today
                events.append(_event(
                    c, "visit", due_on, start, (today if late else deadline) + timedelta(days=1),
                    f"Visit window: {c.name}{where}" + (" (overdue)" if late else ""),
                    f"Face time is due from {due_on:%d %b} and overdue after "
                    f"{deadline:%d %b %Y}." + extra))
    return sorted(events, key=lambda e: (e.start, e.client.casefold(), e.kind, e.uid))
