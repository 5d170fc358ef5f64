"""The Scope and Requests tabs: what the agency does for the client, and what the client
asked for beyond it (a request decided yes becomes scope)."""

from __future__ import annotations

from datetime import date

from textual.widget import Widget

from screens.cells import cell
from screens.tables import KeyTable, Row
from storage.snapshot import Snapshot
from tracker.models import ChangeStatus, FeeKind, ScopeStatus
from tracker.money import format_money
from tracker.review import ClientAssessment

SCOPE_COLS = [("Item", "title", 24), ("Status", "status", 8), ("From", "origin", 7),
              ("Due", "due", 9), ("Success metric", "metric", 0)]
REQ_COLS = [("Asked", "on", 9), ("Status", "status", 8), ("Fee", "fee", 12),
            ("Request", "what", 0)]


def fee_cell(cents: int, kind: FeeKind, currency: str) -> str:
    """``$1,200/mo`` or ``$1,800 once``: a fee says how it is charged (— for none)."""
    if not cents:
        return "—"
    return format_money(cents, currency) + (" once" if kind is FeeKind.ONE_OFF else "/mo")


def scope_rows(a: ClientAssessment) -> list[Row]:
    """The items still to do first, by due date; done and dropped ones dimmed."""
    rows: list[Row] = []
    for i in sorted(a.history.scope_items, key=lambda i: (i.status is ScopeStatus.DROPPED,
                                                          i.due or date.max, i.id)):
        style = "dim" if i.status in (ScopeStatus.DONE, ScopeStatus.DROPPED) else ""
        rows.append((i.id, (cell(i.title, style), cell(i.status.value, style),
                            cell("kickoff" if i.origin == "kickoff" else "request", style),
                            cell(f"{i.due:%d %b %y}" if i.due else "—", style),
                            cell(i.success_metric, style))))
    return rows


def request_rows(a: ClientAssessment) -> list[Row]:
    """Newest first; a pending request stands out, a reply put in writing is named."""
    rows: list[Row] = []
    for cr in sorted(a.history.change_requests, key=lambda r: (r.requested_on, r.id),
                     reverse=True):
        pending = cr.status is ChangeStatus.PENDING
        rows.append((cr.id, (cell(f"{cr.requested_on:%d %b %y}"),
                             cell(cr.status.value, "bold yellow" if pending else ""),
                             cell(fee_cell(cr.fee_cents, cr.fee_kind, a.client.currency)),
                             cell(cr.description + (
                                 f" · {cr.document_kind.replace('_', ' ')} sent "
                                 f"{cr.document_on:%d %b}" if cr.document_on else "")))))
    return rows


class ScopeTab:
    table = "#scope-table"

    def widgets(self) -> list[Widget]:
        return [KeyTable(id="scope-table")]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one(self.table, KeyTable).sync(SCOPE_COLS, width, scope_rows(a))


class RequestsTab:
    table = "#requests-table"

    def widgets(self) -> list[Widget]:
        return [KeyTable(id="requests-table")]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one(self.table, KeyTable).sync(REQ_COLS, width, request_rows(a))
