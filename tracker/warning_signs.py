"""Warning signs that a client is about to leave, each with evidence and a playbook response.

A sign *occurrence* has a stable ``key`` (code plus what triggered it: the NPS response,
the access grant, the overdue deadline...). People acknowledge or resolve an occurrence;
that state is stored as a :class:`~tracker.models.SignState` under the same key, so a new
occurrence (a new low score, the next missed call) is a new sign again.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from tracker.cadence import Cadence, CadenceState
from tracker.codes import SignCode
from tracker.history import ClientHistory
from tracker.labels import count
from tracker.models import (
    Assignment,
    ChangeStatus,
    ClientStatus,
    Interaction,
    InteractionKind,
    Role,
    SignState,
    TeamMember,
)
from tracker.settings import DEFAULT_THRESHOLDS, NpsBand, Thresholds


class Severity(StrEnum):
    WATCH = "watch"
    WARNING = "warning"
    SEVERE = "severe"

    @property
    def rank(self) -> int:
        return {"watch": 1, "warning": 2, "severe": 3}[self.value]


RESPONSES = {
    SignCode.NEW_ACCESS: (
        "Ask what the new access is for, and review results and value with the decision "
        "maker: they may be shopping for another agency."
    ),
    SignCode.CONTACT_CHANGE: (
        "Brief the new contact on the account's history, the original goals and the progress "
        "so far; learn their goals. After a merger, offer another service such as audits."
    ),
    SignCode.LOW_NPS: (
        "Save mode: find the root cause with the client and fix it before it becomes a "
        "cancellation."
    ),
    SignCode.COMM_SILENCE: (
        "Talk to them directly about how things are going; don't jump to conclusions."
    ),
    SignCode.COMM_SURGE: (
        "Talk to them directly: ask what prompted the questions; don't jump to conclusions."
    ),
    SignCode.BUDGET_CUT: (
        "Understand why the budget was cut, and have data ready that shows the value delivered."
    ),
    SignCode.OVERDUE_CADENCE: "Get back on the agreed cadence: book or send it now.",
    SignCode.THIN_COVERAGE: (
        "Assign a second person (a PM and an analyst) so the relationship survives a holiday "
        "or a resignation."
    ),
    SignCode.OVER_CAPACITY: (
        "Move a client to someone with capacity; an analyst handles at most 3 clients."
    ),
    SignCode.FAVOUR_PATTERN: (
        "Stop the free work: answer the next out-of-scope request with the two options, "
        "expand scope or stay focused."
    ),
}

#: Interactions in which the client actually talks with us (reports and summaries are ours).
VOICE_KINDS = frozenset(InteractionKind) - {
    InteractionKind.MONTHLY_REPORT_SENT,
    InteractionKind.CALL_SUMMARY_SENT,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Sign:
    key: str
    client_id: str
    code: SignCode
    severity: Severity
    since: date
    evidence: str
    response: str
    state: SignState | None = None

    @property
    def acknowledged(self) -> bool:
        return self.state is not None and self.state.acknowledged_on is not None

    @property
    def resolved(self) -> bool:
        return self.state is not None and self.state.resolved_on is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamLoad:
    """Who covers which active clients, in assignment order (oldest first)."""

    members: Mapping[str, TeamMember]
    clients_of: Mapping[str, Sequence[str]]
    members_of: Mapping[str, Sequence[str]]

    def over_capacity_clients(self, member_id: str) -> Sequence[str]:
        """The clients beyond a person's limit: the most recently assigned ones."""
        cap = self.members[member_id].capacity
        clients = self.clients_of.get(member_id, ())
        return () if cap is None else clients[cap:]


def team_load(
    members: Iterable[TeamMember], assignments: Iterable[Assignment], active_ids: Iterable[str]
) -> TeamLoad:
    """Who covers which active client; assignments ordered oldest first."""
    live = set(active_ids)
    people = {m.id: m for m in members}
    clients_of: dict[str, list[str]] = {}
    members_of: dict[str, list[str]] = {}
    for a in sorted(assignments, key=lambda a: (a.since, a.id)):
        if a.client_id in live and a.member_id in people:
            clients_of.setdefault(a.member_id, []).append(a.client_id)
            members_of.setdefault(a.client_id, []).append(a.member_id)
    return TeamLoad(members=people, clients_of=clients_of, members_of=members_of)


def _sign(h: ClientHistory, code: SignCode, subject: str, severity: Severity, since: date,
          evidence: str) -> Sign:
    return Sign(
        key=f"{h.client.id}:{code.value}:{subject}",
        client_id=h.client.id,
        code=code,
        severity=severity,
        since=since,
        evidence=evidence,
        response=RESPONSES[code],
    )


def _recent(on: date, today: date, days: int) -> bool:
    return today - timedelta(days=days) < on <= today


def median(values: Iterable[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _money(cents: int, currency: str) -> str:
    from tracker.money import format_money

    return format_money(cents, currency)


def event_signs(h: ClientHistory, today: date, t: Thresholds) -> list[Sign]:
    """Signs from logged events: access grants, contact changes, NPS, budget cuts."""
    out: list[Sign] = []
    w = t.event_window_days
    for g in h.access_grants:
        if _recent(g.on, today, w):
            where = f" to {g.account}" if g.account else ""
            out.append(_sign(h, SignCode.NEW_ACCESS, g.id, Severity.SEVERE, g.on,
                             f"{g.on:%Y-%m-%d}: access{where} granted to {g.who}"))
    for cc in h.contact_changes:
        # the first main contact ever set is a start, not a change: no successor to brief
        if _recent(cc.on, today, w) and cc.old_name.strip():
            out.append(_sign(h, SignCode.CONTACT_CHANGE, cc.id, Severity.WARNING, cc.on,
                             f"{cc.on:%Y-%m-%d}: main contact {cc.old_name} -> {cc.new_name}"))
    past = [r for r in h.nps if r.on <= today]
    # Only a detractor is a sign (DOMAIN: detractors correlate with churn); a passive score
    # is not low, and calling it so once contradicted the README.
    if past and t.nps_band(past[-1].score) is NpsBand.DETRACTOR:
        r = past[-1]
        note = f' "{r.comment}"' if r.comment else ""
        out.append(_sign(h, SignCode.LOW_NPS, r.id, Severity.SEVERE, r.on,
                         f"{r.on:%Y-%m-%d}: NPS {r.score}/10{note}"))
    cur = h.client.currency
    for b in h.budget_changes:
        if b.new_cents < b.old_cents and not b.savings_we_created and _recent(b.on, today, w):
            pct = 100 * (b.old_cents - b.new_cents) / b.old_cents if b.old_cents else 100
            why = f" ({b.reason})" if b.reason else ""
            out.append(_sign(h, SignCode.BUDGET_CUT, b.id, Severity.SEVERE, b.on,
                             f"{b.on:%Y-%m-%d}: budget {_money(b.old_cents, cur)} -> "
                             f"{_money(b.new_cents, cur)} (-{pct:.0f}%){why}"))
    return out


def silence_sign(h: ClientHistory, voice: Sequence[Interaction], today: date,
                 t: Thresholds) -> Sign | None:
    """Radio silence, judged against the client's *own* rhythm.

    The usual gap is the median gap between the days the client was in touch during the
    ``comm_baseline_days`` before its last contact (at least ``comm_min_history`` contacts).
    The client has gone quiet when today's gap exceeds ``silence_factor`` times that usual
    gap and is at least ``silence_min_days`` long. A client who is always quiet therefore
    never trips it for the same gap that flags a usually chatty one.
    """
    days = sorted({i.on for i in voice if i.on <= today})
    if not days:
        return None
    last = days[-1]
    base = [d for d in days if d >= last - timedelta(days=t.comm_baseline_days)]
    if len(base) < t.comm_min_history:
        return None
    usual = median((b - a).days for a, b in itertools.pairwise(base))
    gap = (today - last).days
    if gap < t.silence_min_days or gap <= t.silence_factor * usual:
        return None
    return _sign(h, SignCode.COMM_SILENCE, last.isoformat(), Severity.WARNING, last,
                 f"no contact for {gap} days; usually every {usual:g} day{'' if usual == 1 else 's'} "
                 f"({len(base)} contacts in the {t.comm_baseline_days} days before {last})")


def surge_sign(h: ClientHistory, voice: Sequence[Interaction], today: date,
               t: Thresholds) -> Sign | None:
    """A surge of questions from a client who usually asks few, judged on its own history.

    Recent = questions in the last ``surge_window_days``. Usual rate = questions in the
    ``comm_baseline_days`` before that window, scaled to one window. A surge is at least
    ``surge_min_questions`` recent questions and more than ``surge_factor`` times the usual
    rate; a client that always asks this much is not flagged.
    """
    window_start = today - timedelta(days=t.surge_window_days)
    baseline_start = window_start - timedelta(days=t.comm_baseline_days)
    known_from = max(baseline_start, h.client.start_date)
    baseline_days = (window_start - known_from).days
    if baseline_days < t.surge_window_days:
        return None  # too new to know what is usual
    questions = [i.on for i in voice if i.kind is InteractionKind.QUESTION and i.on <= today]
    recent = sorted(d for d in questions if d > window_start)
    before = sum(1 for d in questions if known_from < d <= window_start)
    usual = before * t.surge_window_days / baseline_days
    if len(recent) < t.surge_min_questions or len(recent) <= t.surge_factor * usual:
        return None
    return _sign(h, SignCode.COMM_SURGE, recent[0].isoformat(), Severity.WARNING, recent[0],
                 f"{len(recent)} questions in {t.surge_window_days} days; usually "
                 f"{usual:.1f} per {t.surge_window_days} days")


def cadence_signs(h: ClientHistory, cads: Iterable[Cadence], today: date) -> list[Sign]:
    out = []
    for c in cads:
        if c.state is CadenceState.OVERDUE:
            last = f"last {c.last:%Y-%m-%d}" if c.last else "never"
            out.append(_sign(h, SignCode.OVERDUE_CADENCE, f"{c.kind.value}:{c.deadline}",
                             Severity.WARNING, c.deadline + timedelta(days=1),
                             f"{c.kind.label} {c.days_late(today)} days overdue ({last})"))
    return out


def team_signs(h: ClientHistory, team: TeamLoad) -> list[Sign]:
    out = []
    cid = h.client.id
    people = [team.members[m] for m in team.members_of.get(cid, ()) if m in team.members]
    roles = {p.role for p in people}
    missing = []
    if not roles & {Role.PM, Role.OWNER}:
        missing.append("project manager")
    if Role.ANALYST not in roles:
        missing.append("analyst")
    if len(people) < 2 or missing:
        who = ", ".join(p.name for p in people) or "nobody"
        lacks = f"; no {' and no '.join(m for m in missing)}" if missing else ""
        out.append(_sign(h, SignCode.THIN_COVERAGE, "team", Severity.WARNING,
                         h.client.start_date, f"covered by {who}{lacks}"))
    for p in people:
        if cid in team.over_capacity_clients(p.id):
            n = len(team.clients_of[p.id])
            since = max((a.since for a in h.assignments if a.member_id == p.id),
                        default=h.client.start_date)
            out.append(_sign(h, SignCode.OVER_CAPACITY, p.id, Severity.WARNING, since,
                             f"{p.name} ({p.role.value}) covers {count(n, 'active client')}, "
                             f"limit {p.capacity}"))
    return out


def favour_sign(h: ClientHistory, today: date, t: Thresholds) -> Sign | None:
    favours = sorted(
        (cr for cr in h.change_requests
         if cr.status is ChangeStatus.FAVOUR and cr.decided_on is not None
         and _recent(cr.decided_on, today, t.favour_window_days)),
        key=lambda cr: (cr.decided_on, cr.id),
    )
    if len(favours) < t.favour_threshold:
        return None
    last = favours[-1]
    assert last.decided_on is not None
    return _sign(h, SignCode.FAVOUR_PATTERN, last.id, Severity.WARNING, last.decided_on,
                 f"{len(favours)} free favours in {t.favour_window_days} days "
                 f"(threshold {t.favour_threshold})")


def detect_signs(
    h: ClientHistory,
    cads: Iterable[Cadence],
    team: TeamLoad,
    today: date,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[Sign, ...]:
    """Every current warning sign of one client, with what people did about it attached.

    Prospects and churned clients show no signs. Resolved occurrences are included (with
    ``resolved`` true) so screens can show them as past; rules use :func:`active`.
    """
    if h.client.status in (ClientStatus.PROSPECT, ClientStatus.CHURNED):
        return ()
    voice = [i for i in h.interactions if i.kind in VOICE_KINDS]
    found = event_signs(h, today, t)
    found += [s for s in (silence_sign(h, voice, today, t), surge_sign(h, voice, today, t),
                          favour_sign(h, today, t)) if s is not None]
    found += cadence_signs(h, cads, today)
    if h.client.status is ClientStatus.ACTIVE:
        found += team_signs(h, team)
    states = {s.sign_key: s for s in h.sign_states}
    return tuple(replace(s, state=states.get(s.key)) for s in found)


def active(signs: Iterable[Sign]) -> tuple[Sign, ...]:
    return tuple(s for s in signs if not s.resolved)
