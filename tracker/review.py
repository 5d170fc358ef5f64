"""Today's review queue: what needs attention, ranked, each with a one-line why."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.cadence import Cadence, CadenceState, cadences
from tracker.codes import SignCode
from tracker.health import Health, health
from tracker.history import ClientHistory, histories
from tracker.models import Agency, ChangeStatus, Client, InteractionKind
from tracker.review_items import ReviewItem, ReviewKind
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds
from tracker.warning_signs import (
    VOICE_KINDS,
    Severity,
    Sign,
    TeamLoad,
    detect_signs,
    team_load,
)

CALL_KINDS = frozenset({
    InteractionKind.STATUS_CALL,
    InteractionKind.UNSCHEDULED_CALL,
    InteractionKind.MEETING,
    InteractionKind.IN_PERSON_VISIT,
})

#: The client list's trend: weeks of contacts, and NPS scores.
TREND_WEEKS = 12
TREND_SCORES = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientAssessment:
    client: Client
    history: ClientHistory
    cadences: tuple[Cadence, ...]
    signs: tuple[Sign, ...]
    health: Health
    #: Voice contacts (calls, meetings, visits) in each of the last ``TREND_WEEKS`` weeks,
    #: oldest first, and the latest NPS scores (up to ``TREND_SCORES``), oldest first: the
    #: trend the client list shows, kept with the rest where the history is not at hand.
    contacts: tuple[int, ...] = ()
    scores: tuple[int, ...] = ()

    def cadence(self, kind: str) -> Cadence | None:
        return next((c for c in self.cadences if c.kind == kind), None)


def assess(agency: Agency, today: date, t: Thresholds = DEFAULT_THRESHOLDS,
           ) -> tuple[ClientAssessment, ...]:
    """Cadences, signs and health of every client, in the agency's client order."""
    hist = histories(agency)
    team = team_load(agency.members, agency.assignments,
                     (c.id for c in agency.clients if c.status == "active"))
    return tuple(assess_history(h, team, today, t) for h in hist.values())


def assess_client(agency: Agency, client_id: str, today: date,
                  t: Thresholds = DEFAULT_THRESHOLDS) -> ClientAssessment | None:
    """One client's assessment, from an agency holding that client's records and the whole
    team (members, assignments, every client: the team's load); None if no such client."""
    client = next((c for c in agency.clients if c.id == client_id), None)
    if client is None:
        return None
    mine = histories(replace(agency, clients=(client,)))[client_id]
    team = team_load(agency.members, agency.assignments,
                     (c.id for c in agency.clients if c.status == "active"))
    return assess_history(mine, team, today, t)


def assess_history(h: ClientHistory, team: TeamLoad, today: date, t: Thresholds,
                   ) -> ClientAssessment:
    """One client's assessment from its history and the team's load."""
    cads = cadences(h.client, h.interactions, today, t)
    signs = detect_signs(h, cads, team, today, t)
    return ClientAssessment(client=h.client, history=h, cadences=cads, signs=signs,
                            health=health(signs), contacts=contacts_per_week(h, today),
                            scores=tuple(r.score for r in h.nps[-TREND_SCORES:]))


def contacts_per_week(h: ClientHistory, today: date) -> tuple[int, ...]:
    """How many times the client was in touch by voice in each of the last
    ``TREND_WEEKS`` weeks, oldest first."""
    counts = [0] * TREND_WEEKS
    start = today - timedelta(days=7 * TREND_WEEKS)
    for i in h.interactions:
        if i.kind in VOICE_KINDS and start < i.on <= today:
            counts[min(TREND_WEEKS - 1, (i.on - start).days // 7)] += 1
    return tuple(counts)


def _clamp(n: float) -> int:
    return max(0, min(100, int(n)))


def cadence_items(a: ClientAssessment, today: date) -> list[ReviewItem]:
    out = []
    freq = a.client.cadence.status_call.value
    for c in a.cadences:
        if c.state is CadenceState.OK:
            continue
        last = f"last {c.last:%Y-%m-%d}" if c.last else "never yet"
        detail = f"{freq}; {last}" if c.kind == "status_call" else last
        if c.state is CadenceState.OVERDUE:
            late = c.days_late(today)
            urgency = 70 + min(20, late)
            why = f"{c.kind.label} {late} day{'s' if late != 1 else ''} overdue ({detail})"
        else:
            left = (c.deadline - today).days
            urgency = 40 + max(0, 5 - left)
            when = "today" if left == 0 else f"by {c.deadline:%a %d %b}"
            why = f"{c.kind.label} due {when} ({detail})"
        out.append(ReviewItem(
            key=f"{a.client.id}:{c.kind.value}:{c.deadline}", client_id=a.client.id,
            client=a.client.name, kind=ReviewKind.of_cadence(c.kind.value, c.state.value),
            urgency=urgency, why=why, due=c.deadline))
    return out


_SIGN_BASE = {Severity.SEVERE: 85, Severity.WARNING: 60, Severity.WATCH: 30}


def sign_items(a: ClientAssessment, today: date) -> list[ReviewItem]:
    out = []
    for s in a.signs:
        # overdue cadences are already in the queue as cadence items
        if s.resolved or s.acknowledged or s.code is SignCode.OVERDUE_CADENCE:
            continue
        weeks = max(0, (today - s.since).days) // 7
        out.append(ReviewItem(
            key=s.key, client_id=a.client.id, client=a.client.name,
            kind=ReviewKind(s.code.value),
            urgency=_clamp(_SIGN_BASE[s.severity] + min(9, weeks)),
            why=f"{s.code.label}: {s.evidence}", due=s.since, subject=s.key))
    return out


def request_items(a: ClientAssessment, today: date) -> list[ReviewItem]:
    out = []
    for cr in a.history.change_requests:
        if cr.status is not ChangeStatus.PENDING:
            continue
        age = max(0, (today - cr.requested_on).days)
        text = cr.description if len(cr.description) <= 60 else cr.description[:59] + "…"
        out.append(ReviewItem(
            key=f"{a.client.id}:{ReviewKind.CHANGE_REQUEST}:{cr.id}", client_id=a.client.id,
            client=a.client.name, kind=ReviewKind.CHANGE_REQUEST,
            urgency=_clamp(55 + min(20, age)),
            why=f"expand scope or stay focused? waiting {age} days: {text}",
            due=cr.requested_on, subject=cr.id))
    return out


def summary_items(a: ClientAssessment, today: date, t: Thresholds) -> list[ReviewItem]:
    """The latest call, if no call summary was sent after it (a summary logged earlier the
    same day was for an earlier call: the log keeps the order of one day)."""
    log = [i for i in a.history.interactions if i.on <= today]
    calls = [n for n, i in enumerate(log) if i.kind in CALL_KINDS]
    if not calls:
        return []
    call = log[calls[-1]]
    age = (today - call.on).days
    if age > t.summary_window_days:
        return []
    if any(i.kind is InteractionKind.CALL_SUMMARY_SENT for i in log[calls[-1] + 1:]):
        return []
    return [ReviewItem(
        key=f"{a.client.id}:{ReviewKind.CALL_SUMMARY}:{call.id}", client_id=a.client.id,
        client=a.client.name, kind=ReviewKind.CALL_SUMMARY,
        urgency=_clamp(50 + min(20, 2 * age)),
        why=f"{call.kind.label} on {call.on:%Y-%m-%d} has no call summary sent yet",
        due=call.on, subject=call.id)]


def rank_review(items: Iterable[ReviewItem]) -> tuple[ReviewItem, ...]:
    """Most urgent first; ties by due date, client name, client id, kind, key (a total order)."""
    return tuple(sorted(items, key=ReviewItem.sort_key))


def build_review(
    agency: Agency,
    today: date,
    t: Thresholds = DEFAULT_THRESHOLDS,
    assessments: Iterable[ClientAssessment] | None = None,
) -> tuple[ReviewItem, ...]:
    """Every item due today, minus the snoozed ones, ranked."""
    found = assessments if assessments is not None else assess(agency, today, t)
    items: list[ReviewItem] = []
    for a in found:
        items += cadence_items(a, today)
        items += sign_items(a, today)
        items += request_items(a, today)
        items += summary_items(a, today, t)
    snoozed = snoozed_keys(agency, today)
    return rank_review(i for i in items if i.key not in snoozed)


def snoozed_keys(agency: Agency, today: date) -> frozenset[str]:
    return frozenset(s.item_key for s in agency.snoozes if s.until > today)
