"""Clients: filter as you type, sort, health badges, a contact trend, new / edit / archive."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Sparkline, Static

from screens.base import AgencyScreen
from screens.cells import cell, day_cell, health_cell
from screens.flows.clients import archive_client, edit_client
from screens.keybar import KeyBar
from screens.lifecycle import while_shown
from screens.tables import KeyTable
from storage.snapshot import Snapshot
from tracker.cadence import Cadence
from tracker.labels import count
from tracker.models import ClientStatus
from tracker.review import TREND_WEEKS, ClientAssessment
from tracker.text import clean_line
from tracker.warning_signs import active

COLUMNS = [("Client", "name", 22), ("Health", "health", 9), ("Call", "call", 8),
           ("Visit", "visit", 8), ("Signs", "signs", 0)]
SORTS = ("name", "health", "next due")


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


def next_due(a: ClientAssessment) -> date:
    return min((c.due_on for c in a.cadences), default=date.max)


def matches(a: ClientAssessment, needle: str) -> bool:
    if not needle:
        return True
    c = a.client
    band = a.health.band  # the health word the badge shows, and its plain English
    hay = " ".join([c.name, c.location, c.status.value,
                    c.primary_contact.name if c.primary_contact else "", band.word,
                    {"green": "healthy", "amber": "watch", "red": "at risk"}[band.value]]
                   ).casefold()
    return all(part in hay for part in needle.casefold().split())


class ClientsScreen(AgencyScreen):
    AUTO_FOCUS = "#clients-table"
    CSS_PATH = "clients.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/", id="clients.filter"),
        Binding("s", "sort", "Sort", id="clients.sort"),
        Binding("n", "new", "New", id="clients.new"),
        Binding("e", "edit", "Edit", id="clients.edit"),
        Binding("X", "archive", "Archive", show=False, id="clients.archive"),
        Binding("enter,o", "open", "Open", show=False, id="clients.open"),
    ]

    sort_by = "name"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ filter by name, place, contact, status or health (risk)",
                    id="clients-filter")
        yield Static(id="clients-summary")
        yield KeyTable(id="clients-table")
        with Horizontal(id="clients-trend"):
            yield Static(id="clients-trend-label")
            yield Sparkline([], id="clients-sparkline")
        yield KeyBar()

    def show(self, snapshot: Snapshot) -> None:
        if snapshot.partial:
            self.query_one("#clients-summary", Static).update(Text("Reading the agency…", style="dim"))
            return
        self.sub_title = f"Clients · {snapshot.today:%a %d %b %Y}"
        needle = self.query_one("#clients-filter", Input).value.strip()
        rows = [a for a in snapshot.assessments if matches(a, needle)]
        keys = {
            "name": lambda a: (a.client.status is not ClientStatus.ACTIVE,
                               a.client.name.casefold(), a.client.id),
            # worst first; the band is read off the score, so this orders the words too
            "health": lambda a: (a.client.status is not ClientStatus.ACTIVE, a.health.score,
                                 a.client.name.casefold(), a.client.id),
            "next due": lambda a: (a.client.status is not ClientStatus.ACTIVE, next_due(a),
                                   a.client.name.casefold(), a.client.id),
        }
        rows.sort(key=keys[self.sort_by])
        self.query_one("#clients-table", KeyTable).sync(COLUMNS, self.app.size.width, [
            (a.client.id, (name_cell(a), health_cell(a.health),
                           _next(a.cadence("status_call"), snapshot),
                           _next(a.cadence("visit"), snapshot), signs_cell(a)))
            for a in rows])
        total = len(snapshot.assessments)
        n_active = sum(1 for a in snapshot.assessments if a.client.status is ClientStatus.ACTIVE)
        at_risk = sum(1 for a in snapshot.assessments if a.health.band == "red")
        summary = Text.assemble((count(total, "client"), "bold"), f" · {n_active} active")
        if at_risk:
            summary.append(f" · {at_risk} at risk", style="bold red")
        if needle:
            summary.append(f" · {len(rows)} match", style="bold")
        summary.append(f" · sorted by {self.sort_by}", style="dim")
        self.query_one("#clients-summary", Static).update(summary)
        self._trend()

    def selected(self) -> ClientAssessment | None:
        key = self.query_one("#clients-table", KeyTable).selected_key()
        return self.shown.assessment(key) if self.shown and key else None

    def _trend(self) -> None:
        a = self.selected()
        label = self.query_one("#clients-trend-label", Static)
        spark = self.query_one("#clients-sparkline", Sparkline)
        if a is None or self.shown is None:
            label.update("")
            spark.data = []
            return
        weeks = [float(n) for n in a.contacts]
        scores = a.scores
        # the latest score's band, worded as the review and the README word it
        band = self.context.workspace.thresholds.nps_band(scores[-1]) if scores else None
        nps = f"NPS {' → '.join(map(str, scores))} ({band})" if scores else "no NPS yet"
        label.update(Text.assemble((clean_line(a.client.name)[:22], "bold"),
                                   f"  {nps}  contacts/week, last {TREND_WEEKS} weeks: "
                                   f"{int(sum(weeks))} "))
        spark.data = weeks

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._trend()

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_open()

    def on_input_changed(self, _: Input.Changed) -> None:
        self.redraw()

    def on_input_submitted(self, _: Input.Submitted) -> None:
        self.query_one("#clients-table", KeyTable).focus()

    @while_shown
    def key_escape(self) -> None:
        box = self.query_one("#clients-filter", Input)
        if box.has_focus or box.value:
            box.value = ""
            self.query_one("#clients-table", KeyTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "archive", "open"):
            return self.selected() is not None or None  # greyed: needs a selection
        return True

    def action_filter(self) -> None:
        self.query_one("#clients-filter", Input).focus()

    def action_sort(self) -> None:
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self.redraw()

    def action_new(self) -> None:
        edit_client(self.context)

    def action_edit(self) -> None:
        a = self.selected()
        if a is not None:
            edit_client(self.context, a.client)

    def action_archive(self) -> None:
        a = self.selected()
        if a is not None:
            archive_client(self.context, a.client)

    def action_open(self) -> None:
        a = self.selected()
        if a is not None:
            self.context.open_client(a.client.id)
