"""Communication cadence: when each kind of contact is next due, from the interaction log.

Four cadences exist per active client:

* ``status_call`` — weekly, every two weeks or monthly (or none), as agreed at kickoff;
* ``monthly_report`` — one report a month;
* ``contact`` — some two-way contact at least every ``min_contact_days`` (default 30);
* ``visit`` — remote clients only: face time every ``visit_min_days``..``visit_max_days``
  (due at the low end, overdue past the high end).

Each cadence is a window: it is *due* from ``due_on`` and *overdue* after ``deadline``.
The interval always counts from the last qualifying interaction (or the client's start
date), never by chaining ``+1 month`` steps, so month ends do not drift (Jan 31 + 1 month
is Feb 28, and the next one counts again from the real interaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from tracker.models import (
    CallFrequency,
    Client,
    ClientStatus,
    Interaction,
    InteractionKind,
)
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds


class CadenceKind(StrEnum):
    STATUS_CALL = "status_call"
    MONTHLY_REPORT = "monthly_report"
    CONTACT = "contact"
    VISIT = "visit"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class CadenceState(StrEnum):
    OK = "ok"
    DUE = "due"
    OVERDUE = "overdue"


K = InteractionKind
C = CadenceKind

#: Which cadences each kind of interaction satisfies. A status call resets the status call
#: and the contact cadence, not the visit; an agency event the client attends is face time.
RESETS: dict[InteractionKind, frozenset[CadenceKind]] = {
    K.STATUS_CALL: frozenset({C.STATUS_CALL, C.CONTACT}),
    K.UNSCHEDULED_CALL: frozenset({C.CONTACT}),
    K.EMAIL: frozenset({C.CONTACT}),
    K.MEETING: frozenset({C.STATUS_CALL, C.CONTACT}),
    K.IN_PERSON_VISIT: frozenset({C.STATUS_CALL, C.CONTACT, C.VISIT}),
    K.AGENCY_EVENT: frozenset({C.CONTACT, C.VISIT}),
    K.MONTHLY_REPORT_SENT: frozenset({C.MONTHLY_REPORT}),
    K.CALL_SUMMARY_SENT: frozenset(),
    K.QUESTION: frozenset({C.CONTACT}),
}

_CALL_INTERVAL = {
    CallFrequency.WEEKLY: relativedelta(days=7),
    CallFrequency.BIWEEKLY: relativedelta(days=14),
    CallFrequency.MONTHLY: relativedelta(months=1),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Cadence:
    kind: CadenceKind
    last: date | None  # last qualifying interaction, None if there never was one
    due_on: date  # shows as due from this day
    deadline: date  # overdue from the day after
    state: CadenceState

    def days_late(self, today: date) -> int:
        """Days past the deadline (0 while not overdue)."""
        return max(0, (today - self.deadline).days)


def state_on(due_on: date, deadline: date, today: date) -> CadenceState:
    if today > deadline:
        return CadenceState.OVERDUE
    if today >= due_on:
        return CadenceState.DUE
    return CadenceState.OK


def last_qualifying(interactions: Iterable[Interaction], kind: CadenceKind) -> date | None:
    """The date of the latest interaction that satisfies ``kind`` (log may be in any order)."""
    latest: date | None = None
    for it in interactions:
        if kind in RESETS[it.kind] and (latest is None or it.on > latest):
            latest = it.on
    return latest


def applicable(client: Client) -> tuple[CadenceKind, ...]:
    """The cadences that apply to a client: only active clients are chased."""
    if client.status is not ClientStatus.ACTIVE:
        return ()
    kinds: list[CadenceKind] = []
    if client.cadence.status_call is not CallFrequency.NONE:
        kinds.append(C.STATUS_CALL)
    if client.cadence.monthly_report:
        kinds.append(C.MONTHLY_REPORT)
    kinds.append(C.CONTACT)
    if client.remote:
        kinds.append(C.VISIT)
    return tuple(kinds)


def window(
    client: Client, kind: CadenceKind, last: date | None, t: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[date, date]:
    """``(due_on, deadline)`` for one cadence counted from ``last`` (or the start date)."""
    base = last if last is not None else client.start_date
    s = client.cadence
    if kind is C.VISIT:
        return base + timedelta(days=s.visit_min_days), base + timedelta(days=s.visit_max_days)
    if kind is C.STATUS_CALL:
        deadline = base + _CALL_INTERVAL[s.status_call]
        lead = t.status_call_lead_days
    elif kind is C.MONTHLY_REPORT:
        deadline = base + relativedelta(months=1)
        lead = t.monthly_report_lead_days
    else:
        deadline = base + timedelta(days=s.min_contact_days)
        lead = t.contact_lead_days
    return max(base, deadline - timedelta(days=lead)), deadline


def cadences(
    client: Client,
    interactions: Iterable[Interaction],
    today: date,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[Cadence, ...]:
    """Every applicable cadence of ``client`` with its state on ``today``."""
    log = tuple(interactions)
    result = []
    for kind in applicable(client):
        last = last_qualifying(log, kind)
        due_on, deadline = window(client, kind, last, t)
        result.append(
            Cadence(
                kind=kind,
                last=last,
                due_on=due_on,
                deadline=deadline,
                state=state_on(due_on, deadline, today),
            )
        )
    return tuple(result)


def next_due(client: Client, interactions: Iterable[Interaction], kind: CadenceKind) -> date:
    """The day ``kind`` next becomes due for ``client``."""
    return window(client, kind, last_qualifying(interactions, kind))[0]
