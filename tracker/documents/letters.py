"""The documents that put agreements in writing: kickoff, call summary, change order and the
stay-focused reply."""

from __future__ import annotations

from datetime import date

from tracker.attendance import calls_of
from tracker.cadence import CadenceKind, last_qualifying, window
from tracker.decisions import monthly_cents
from tracker.documents.common import (
    DocumentError,
    Model,
    Sender as Sender,
    agreed_scope,
    day,
    fee_line,
    frame,
    lines,
    money,
    request,
    scope_item,
)
from tracker.models import (
    Agency,
    CallFrequency,
    ChangeRequest,
    ChangeStatus,
    Client,
    FeeKind,
    InteractionKind,
    ScopeItem,
    ScopeOrigin,
    ScopeStatus,
)

#: ``--change-request latest`` / ``--call latest``: the most recent one, whatever its state.
LATEST = "latest"


def _due(s: ScopeItem) -> tuple[date, str]:
    return (s.due or date.max, s.title)


def kickoff(agency: Agency, c: Client, today: date, sender: Sender) -> Model:
    scope = agreed_scope(agency, c)
    kick = [s for s in scope if s.origin is ScopeOrigin.KICKOFF] or scope
    return frame(agency, c, today, sender) | {
        "scope": [scope_item(s, c.currency) for s in kick],
        "metrics": [{"title": s.title, "metric": s.success_metric}
                    for s in kick if s.success_metric],
        "timeline": [{"title": s.title, "due": day(s.due)}
                     for s in sorted(kick, key=lambda s: s.due or date.max) if s.due],
    }


def call_summary(agency: Agency, c: Client, today: date, sender: Sender,
                 call_id: str | None = None) -> Model:
    """The summary of ``call_id`` (default: the client's latest call up to today)."""
    calls = [i for i in calls_of(agency, c) if i.on <= today]
    if call_id == LATEST:
        call_id = None
    if call_id is not None:
        call = next((i for i in calls if i.id == call_id), None)
        if call is None:
            raise DocumentError(f"{c.name} has no call {call_id!r}")
    elif calls:
        call = calls[-1]
    else:
        raise DocumentError(f"{c.name} has no call to summarise yet")
    before = calls[:calls.index(call)]
    since = before[-1].on if before else c.start_date
    mine = [r for r in agency.change_requests if r.client_id == c.id]
    decided = [r for r in mine if r.decided_on is not None and since <= r.decided_on <= call.on]
    pending = [r for r in mine if r.status is ChangeStatus.PENDING and r.requested_on <= call.on]
    # the next call as of today (the call summarised may be an old one): the agreed day,
    # or, if that has passed, a promise to propose one -- never a date in the past
    log = [i for i in agency.interactions if i.client_id == c.id and i.on <= today]
    next_call, propose = "", False
    if c.cadence.status_call is not CallFrequency.NONE:
        kind = CadenceKind.STATUS_CALL
        due = window(c, kind, last_qualifying(log, kind))[1]
        next_call, propose = ("", True) if due < today else (day(due), False)
    base = frame(agency, c, today, sender)
    return base | {
        "call": {"id": call.id, "date": day(call.on), "kind": call.kind.label,
                 "notes": lines(call.notes)},
        # who was there, as recorded with the call (nobody is assumed to have been)
        "attendees": {"client": list(call.attendees_theirs),
                      "agency": list(call.attendees_ours)},
        "decisions": [request(r, c.currency) for r in decided],
        "open_requests": [request(r, c.currency) for r in pending],
        "next_call": next_call,
        "propose_next_call": propose,
    }


def _request(agency: Agency, c: Client, request_id: str | None) -> ChangeRequest:
    mine = sorted((r for r in agency.change_requests if r.client_id == c.id),
                  key=lambda r: (r.requested_on, r.id))
    if request_id == LATEST:
        if not mine:
            raise DocumentError(f"{c.name} has no change request yet")
        return mine[-1]
    if request_id is None:
        pending = [r for r in mine if r.status is ChangeStatus.PENDING]
        if not pending:
            raise DocumentError(f"{c.name} has no pending change request; name one with its id")
        return pending[-1]
    found = next((r for r in mine if r.id == request_id), None)
    if found is None:
        raise DocumentError(f"{c.name} has no change request {request_id!r}")
    return found


def change_order(agency: Agency, c: Client, today: date, sender: Sender,
                 request_id: str | None = None) -> Model:
    """The amendment for an expanded request; for a pending one, the proposal."""
    cr = _request(agency, c, request_id)
    if cr.status in (ChangeStatus.FOCUS, ChangeStatus.FAVOUR):
        raise DocumentError(f"the request was answered '{cr.status}', not 'expand': write the "
                            "stay-focused reply instead")
    added = [s for s in agency.scope_items
             if s.id in cr.scope_item_ids or (s.change_request_id == cr.id and cr.id)]
    proposal = cr.status is ChangeStatus.PENDING
    if proposal or not added:
        monthly = cr.fee_cents if cr.fee_kind is FeeKind.MONTHLY else 0
        once = cr.fee_cents if cr.fee_kind is FeeKind.ONE_OFF else 0
    else:  # what was agreed: the added items' fees, each monthly or one-off
        monthly = monthly_cents(added)
        once = sum(s.fee_cents for s in added if s.fee_kind is FeeKind.ONE_OFF)
    old_fee = c.fee_cents if proposal else c.fee_cents - monthly  # it includes it by now
    dues = sorted(s.due for s in added if s.due)
    return frame(agency, c, today, sender) | {
        "request": request(cr, c.currency),
        "proposal": proposal,
        "added": [scope_item(s, c.currency) for s in added],
        "fee_change": money(monthly, c.currency) if monthly else "",
        "one_off": money(once, c.currency) if once else "",
        "old_total": money(old_fee, c.currency),
        "new_total": money(old_fee + monthly, c.currency),
        "schedule": {"added_due": day(dues[-1]) if dues else "",
                     "existing": [{"title": s.title, "due": day(s.due)}
                                  for s in sorted(agreed_scope(agency, c), key=_due)
                                  if s not in added and s.due and s.due >= today]},
    }


def stay_focused(agency: Agency, c: Client, today: date, sender: Sender,
                 request_id: str | None = None) -> Model:
    """The reply offering the two options: expand scope (with the fee) or finish first."""
    cr = _request(agency, c, request_id)
    scope = agreed_scope(agency, c)
    summaries = [i for i in agency.interactions if i.client_id == c.id
                 and i.kind is InteractionKind.CALL_SUMMARY_SENT and i.on <= today]
    last = max(summaries, key=lambda i: (i.on, i.id)) if summaries else None
    open_items = sorted((s for s in scope if s.status in (ScopeStatus.PLANNED, ScopeStatus.ACTIVE)),
                        key=_due)
    return frame(agency, c, today, sender) | {
        "request": request(cr, c.currency),
        "scope": [scope_item(s, c.currency) for s in scope],
        "expand": {"fee": money(cr.fee_cents, c.currency) if cr.fee_cents else "",
                   "fee_line": fee_line(cr.fee_cents, cr.fee_kind, c.currency),
                   "monthly": cr.fee_kind is FeeKind.MONTHLY,
                   "new_total": money(c.fee_cents + (cr.fee_cents if cr.fee_kind is
                                                     FeeKind.MONTHLY else 0), c.currency),
                   "hours": f"{cr.estimated_hours:g}" if cr.estimated_hours else ""},
        "finish_first": [{"title": s.title, "due": day(s.due)} for s in open_items],
        "last_summary": day(last.on) if last else "",
    }
