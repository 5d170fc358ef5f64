"""The "expand scope or stay focused" decision on a change request, as pure functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.errors import DecisionError as DecisionError
from tracker.models import (
    ChangeRequest,
    ChangeStatus,
    Client,
    FeeKind,
    ScopeItem,
    ScopeOrigin,
    ScopeStatus,
)
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeDraft:
    title: str
    deliverable: str = ""
    due: date | None = None
    success_metric: str = ""
    fee_cents: int = 0
    fee_kind: FeeKind = FeeKind.MONTHLY


@dataclass(frozen=True, slots=True, kw_only=True)
class Expansion:
    request: ChangeRequest
    items: tuple[ScopeItem, ...]
    client: Client  # with the new monthly fee

    @property
    def fee_delta_cents(self) -> int:
        """What the monthly fee grows by (one-off fees are charged once, not monthly)."""
        return monthly_cents(self.items)

    @property
    def one_off_cents(self) -> int:
        return sum(i.fee_cents for i in self.items if i.fee_kind is FeeKind.ONE_OFF)


def monthly_cents(items: Iterable[ScopeItem]) -> int:
    """The monthly fees among ``items``."""
    return sum(i.fee_cents for i in items if i.fee_kind is FeeKind.MONTHLY)


def _pending(cr: ChangeRequest) -> None:
    if cr.status is not ChangeStatus.PENDING:
        raise DecisionError(f"change request {cr.id} was already decided ({cr.status.value})")


def expand(
    client: Client,
    cr: ChangeRequest,
    drafts: Sequence[ScopeDraft],
    today: date,
    by: str,
    make_id: Callable[[], str],
) -> Expansion:
    """Expand scope: the request becomes scope items; the monthly fee grows by their monthly
    fees (a one-off fee is charged once and leaves it as it is)."""
    _pending(cr)
    if cr.client_id != client.id:
        raise DecisionError("the change request belongs to another client")
    if not drafts:
        raise DecisionError("expanding scope needs at least one scope item")
    if any(not d.title.strip() for d in drafts):
        raise DecisionError("every new scope item needs a title")
    if any(d.fee_cents < 0 for d in drafts):
        raise DecisionError("a scope item's fee cannot be negative")
    items = tuple(
        ScopeItem(id=make_id(), client_id=client.id, title=d.title.strip(),
                  deliverable=d.deliverable, due=d.due, success_metric=d.success_metric,
                  status=ScopeStatus.PLANNED, origin=ScopeOrigin.CHANGE_REQUEST,
                  fee_cents=d.fee_cents, fee_kind=d.fee_kind, change_request_id=cr.id)
        for d in drafts
    )
    # the fee agreed is the request's from now on (every list and document says the same)
    kinds = {i.fee_kind for i in items if i.fee_cents} or {cr.fee_kind}
    kind = kinds.pop() if len(kinds) == 1 else FeeKind.MONTHLY
    agreed = sum(i.fee_cents for i in items if i.fee_kind is kind)
    decided = replace(cr, status=ChangeStatus.EXPAND, decided_on=today, decided_by=by,
                      scope_item_ids=tuple(i.id for i in items), fee_cents=agreed,
                      fee_kind=kind)
    delta = monthly_cents(items)
    return Expansion(request=decided, items=items,
                     client=replace(client, fee_cents=client.fee_cents + delta))


def stay_focused(cr: ChangeRequest, reason: str, today: date, by: str) -> ChangeRequest:
    """Stay focused: park the request, with the reason given to the client."""
    _pending(cr)
    if not reason.strip():
        raise DecisionError("staying focused needs a reason to give the client")
    return replace(cr, status=ChangeStatus.FOCUS, decided_on=today, decided_by=by,
                   reason=reason.strip())


def small_favour(cr: ChangeRequest, today: date, by: str, reason: str = "") -> ChangeRequest:
    """Do it for free this once; it is counted toward the favour-pattern sign."""
    _pending(cr)
    return replace(cr, status=ChangeStatus.FAVOUR, decided_on=today, decided_by=by,
                   reason=reason.strip())


def favours_in_window(requests: Iterable[ChangeRequest], today: date,
                      t: Thresholds = DEFAULT_THRESHOLDS) -> int:
    """Free favours decided in the last ``favour_window_days`` (today included)."""
    start = today - timedelta(days=t.favour_window_days)
    return sum(1 for cr in requests if cr.status is ChangeStatus.FAVOUR
               and cr.decided_on is not None and start < cr.decided_on <= today)


def favour_reaches_pattern(requests: Iterable[ChangeRequest], today: date,
                           t: Thresholds = DEFAULT_THRESHOLDS) -> bool:
    """Would one more favour today make (or keep) a pattern?"""
    return favours_in_window(requests, today, t) + 1 >= t.favour_threshold
