"""Clients: every client with its health, next status call, next visit and active signs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Footer, Header, Static

from screens.base import AgencyScreen
from screens.cells import cell, day_cell, health_cell
from screens.tables import KeyTable
from storage.workspace import Snapshot
from tracker.cadence import Cadence
from tracker.models import ClientStatus
from tracker.review import ClientAssessment
from tracker.warning_signs import active


def _next(c: Cadence | None, snapshot: Snapshot) -> Text:
    if c is None:
        return Text("—", style="dim")
    return day_cell(c.due_on, snapshot.today, c.deadline)


def signs_cell(a: ClientAssessment) -> Text:
    live = sorted(active(a.signs), key=lambda s: (-s.severity.rank, s.since))
    if not live:
        return Text("—", style="dim")
    top = live[0]
    style = "bold red" if top.severity.rank == 3 else "yellow" if top.severity.rank == 2 else ""
    more = f" +{len(live) - 1}" if len(live) > 1 else ""
    return Text(f"{top.code.label}{more}", style=style, no_wrap=True, overflow="ellipsis")


def name_cell(a: ClientAssessment) -> Text:
    name = cell(a.client.name, "bold")
    if a.client.status is not ClientStatus.ACTIVE:
        name.append(f" ({a.client.status.value})", style="dim")
    return name


COLUMNS = [("Client", "name", 22), ("Health", "health", 9), ("Call", "call", 8),
           ("Visit", "visit", 8), ("Signs", "signs", 0)]


class ClientsScreen(AgencyScreen):
    CSS_PATH = "clients.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="clients-summary")
        yield KeyTable(id="clients-table")
        yield Footer()

    def show(self, snapshot: Snapshot) -> None:
        self.sub_title = f"Clients · {snapshot.today:%a %d %b %Y}"
        table = self.query_one("#clients-table", KeyTable)
        keep = table.selected_key()
        table.set_columns(COLUMNS, self.app.size.width)
        rows = sorted(snapshot.assessments,
                      key=lambda a: (a.client.status is not ClientStatus.ACTIVE,
                                     a.client.name.casefold(), a.client.id))
        for a in rows:
            table.add_row(name_cell(a), health_cell(a.health), _next(a.cadence("status_call"),
                          snapshot), _next(a.cadence("visit"), snapshot), signs_cell(a),
                          key=a.client.id)
        n_active = sum(1 for a in rows if a.client.status is ClientStatus.ACTIVE)
        at_risk = sum(1 for a in rows if a.health.band == "red")
        summary = Text.assemble((f"{len(rows)} clients", "bold"), f"  ·  {n_active} active")
        if at_risk:
            summary.append(f"  ·  {at_risk} at risk", style="bold red")
        self.query_one("#clients-summary", Static).update(summary)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        table.focus()
