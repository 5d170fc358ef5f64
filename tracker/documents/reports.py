"""The documents that report and prepare: monthly report, new-contact briefing and the
save-mode conversation prep."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from tracker.codes import SignCode
from tracker.dates import in_range, out_of_range
from tracker.documents.common import (
    DocumentError,
    Model,
    Sender,
    agreed_scope,
    day,
    frame,
    lines,
    money,
    request,
    scope_item,
    short_day,
)
from tracker.models import (
    Activity,
    Agency,
    ChangeStatus,
    Client,
    InteractionKind,
    Outcome,
    ScopeOrigin,
    ScopeStatus,
)
from tracker.review import assess_client
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

#: What we send about the work rather than contact with the client: left out of the log.
OUR_PAPERWORK = frozenset({InteractionKind.CALL_SUMMARY_SENT,
                           InteractionKind.MONTHLY_REPORT_SENT})
BAND_WORDS = {"green": "healthy", "amber": "watch", "red": "at risk"}


def parse_month(text: str) -> date:
    """``2026-11`` -> the first day of that month."""
    try:
        year, month = text.strip().split("-")
        if len(year) != 4 or len(month) != 2 or not (year + month).isascii():
            raise ValueError
        first = date(int(year), int(month), 1)
    except ValueError:
        raise DocumentError(f"not a month: {text!r} (write it as YYYY-MM, e.g. 2026-11)") from None
    if not in_range(first):  # the one range of every date (tracker.dates)
        raise DocumentError(out_of_range(repr(text.strip())))
    return first


def report_month(today: date) -> date:
    """The month a report written today is about: the last full month."""
    first: date = today.replace(day=1) - relativedelta(months=1)
    return first


def _activity(a: Activity) -> Model:
    return {"date": short_day(a.on), "title": a.title, "kind": "test" if a.test else "activity",
            "result": a.result, "outcome": str(a.outcome)}


def monthly_report(agency: Agency, c: Client, today: date, sender: Sender,
                   month: date | None = None) -> Model:
    first = month or report_month(today)
    if first > today:
        raise DocumentError(f"{first:%B %Y} has not started yet")
    end: date = first + relativedelta(months=1)  # exclusive

    def inside(d: date) -> bool:
        return first <= d < end

    talks = sorted((i for i in agency.interactions if i.client_id == c.id and inside(i.on)
                    and i.kind not in OUR_PAPERWORK), key=lambda i: (i.on, i.id))
    counts = Counter(i.kind for i in talks)
    acts = sorted((a for a in agency.activities if a.client_id == c.id and inside(a.on)),
                  key=lambda a: (a.on, a.id))
    scope = agreed_scope(agency, c)
    pending = [r for r in agency.change_requests
               if r.client_id == c.id and r.status is ChangeStatus.PENDING]
    nps = [n for n in agency.nps if n.client_id == c.id and inside(n.on)]
    return frame(agency, c, today, sender) | {
        "month": f"{first:%B %Y}",
        "next_month": f"{end:%B %Y}",
        "interactions": [{"date": short_day(i.on), "kind": i.kind.label,
                          "note": (lines(i.notes) or [""])[0]} for i in talks],
        "counts": [{"kind": k.label, "count": n} for k, n in sorted(
            counts.items(), key=lambda kv: (-kv[1], kv[0].label))],
        "activities": [_activity(a) for a in acts],
        "wins": [_activity(a) for a in acts if a.outcome is Outcome.WIN],
        "learnings": [_activity(a) for a in acts if a.outcome is Outcome.LEARNING],
        "still_running": [_activity(a) for a in acts if a.outcome is Outcome.OPEN],
        "plan": [scope_item(s, c.currency) for s in scope
                 if s.status in (ScopeStatus.PLANNED, ScopeStatus.ACTIVE)],
        "open_requests": [request(r, c.currency) for r in pending],
        "metrics": [scope_item(s, c.currency) for s in scope if s.success_metric],
        "nps": [{"date": short_day(n.on), "score": n.score, "comment": n.comment} for n in nps],
    }


def new_contact_briefing(agency: Agency, c: Client, today: date, sender: Sender) -> Model:
    changes = sorted((x for x in agency.contact_changes if x.client_id == c.id),
                     key=lambda x: (x.on, x.id))
    scope = agreed_scope(agency, c)
    since = today - timedelta(days=90)
    recent = sorted((a for a in agency.activities if a.client_id == c.id and a.on >= since),
                    key=lambda a: (a.on, a.id))
    budget = sorted((b for b in agency.budget_changes if b.client_id == c.id),
                    key=lambda b: (b.on, b.id))
    decided = sorted((r for r in agency.change_requests
                      if r.client_id == c.id and r.status is ChangeStatus.EXPAND),
                     key=lambda r: (r.requested_on, r.id))
    return frame(agency, c, today, sender) | {
        "previous_contact": changes[-1].old_name if changes else "",
        "changed_on": day(changes[-1].on) if changes else "",
        "goals": [scope_item(s, c.currency) for s in scope
                  if s.origin is ScopeOrigin.KICKOFF],
        "added": [request(r, c.currency) for r in decided],
        "done": [scope_item(s, c.currency) for s in scope if s.status is ScopeStatus.DONE],
        "in_progress": [scope_item(s, c.currency) for s in scope
                        if s.status in (ScopeStatus.PLANNED, ScopeStatus.ACTIVE)],
        "wins": [_activity(a) for a in recent if a.outcome is Outcome.WIN],
        "recent": [_activity(a) for a in recent],
        "budget": [{"date": day(b.on), "old": money(b.old_cents, c.currency),
                    "new": money(b.new_cents, c.currency), "reason": b.reason}
                   for b in budget],
    }


#: What to ask in the save-mode conversation, per warning sign.
QUESTIONS: dict[str, tuple[str, ...]] = {
    SignCode.NEW_ACCESS: ("Who is the new user, and what will they work on?",
                          "Is anything about our work you would like done differently?"),
    SignCode.CONTACT_CHANGE: ("What are your goals for the account, and how do you measure them?",
                              "What would you like to keep, and what would you change?"),
    SignCode.LOW_NPS: ("What is the one thing we could do better?",
                       "What would make you recommend us to a colleague?"),
    SignCode.COMM_SILENCE: ("How are things going on your side?",
                            "Is the current call and report rhythm still right for you?"),
    SignCode.COMM_SURGE: ("What prompted the recent questions?",
                          "Is there a decision coming up that we should prepare for?"),
    SignCode.BUDGET_CUT: ("What led to the budget change, and is it temporary?",
                          "Which results matter most to you with the smaller budget?"),
    SignCode.OVERDUE_CADENCE: ("When suits you for our next call?",),
    SignCode.THIN_COVERAGE: (),
    SignCode.OVER_CAPACITY: (),
    SignCode.FAVOUR_PATTERN: ("Which of the recent extra requests matter most to you?",
                              "Shall we add them to the scope, or finish the current plan "
                              "first?"),
}


def save_mode_prep(agency: Agency, c: Client, today: date, sender: Sender,
                   thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Model:
    found = assess_client(agency, c.id, today, thresholds)
    assert found is not None  # c is one of the agency's clients
    active = [s for s in found.signs if not s.resolved]
    asked = [q for s in active for q in QUESTIONS.get(s.code, ())]
    nps = [n for n in agency.nps if n.client_id == c.id]
    last_nps = max(nps, key=lambda n: (n.on, n.id)) if nps else None
    return frame(agency, c, today, sender) | {
        "health": {"score": found.health.score, "band": BAND_WORDS[found.health.band]},
        "signs": [{"label": s.code.label[:1].upper() + s.code.label[1:], "severity": str(s.severity), "since": day(s.since),
                   "evidence": s.evidence, "response": s.response,
                   "acknowledged": s.acknowledged,
                   "note": s.state.note if s.state is not None else ""} for s in active],
        "questions": list(dict.fromkeys(asked)),  # each once, in the signs' order
        "last_nps": {"date": day(last_nps.on), "score": last_nps.score,
                     "comment": last_nps.comment} if last_nps else None,
        "scope": [scope_item(s, c.currency) for s in agreed_scope(agency, c)],
    }

