"""Team: who covers which clients, load against capacity, clients with thin coverage."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from screens.base import AgencyScreen
from screens.cells import cell
from screens.flows.team import assign, edit_member, unassign
from screens.keybar import KeyBar
from screens.tables import KeyTable
from storage.snapshot import Snapshot
from tracker.codes import SignCode
from tracker.labels import count
from tracker.models import ClientStatus, TeamMember
from tracker.text import clean_line
from tracker.warning_signs import active

COLUMNS = [("Person", "name", 16), ("Role", "role", 7), ("Load", "load", 19),
           ("Clients", "clients", 0)]
BAR = 8


def load_bar(n: int, capacity: int | None) -> Text:
    """``███████░░░ 3/3``; over capacity in the error colour, and said in words too."""
    if capacity is None:
        return Text(f"{n} (no limit)", style="dim")
    filled = BAR if capacity == 0 else min(BAR, round(BAR * n / capacity))
    over = n > capacity
    bar = Text("█" * filled + "░" * (BAR - filled), style="bold red" if over else "green")
    bar.append(f" {n}/{capacity}", style="bold red" if over else "")
    if over:
        bar.append(" over", style="bold red")
    return bar


class TeamScreen(AgencyScreen):
    AUTO_FOCUS = "#team-table"
    CSS_PATH = "team.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "assign", "Assign", id="team.assign"),
        Binding("u", "unassign", "Unassign", id="team.unassign"),
        Binding("n", "new", "New person", id="team.new"),
        Binding("e", "edit", "Edit", id="team.edit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="team-summary")
        yield KeyTable(id="team-table")
        yield Static(id="team-detail")
        yield Static(id="team-thin")
        yield KeyBar()

    def show(self, snapshot: Snapshot) -> None:
        if snapshot.partial:
            self.query_one("#team-summary", Static).update(Text("Reading the agency…", style="dim"))
            return
        self.sub_title = f"Team · {snapshot.today:%a %d %b %Y}"
        agency = snapshot.agency
        live = {c.id: c for c in agency.clients if c.status is ClientStatus.ACTIVE}
        covers: dict[str, list[str]] = {m.id: [] for m in agency.members}
        for a in sorted(agency.assignments, key=lambda a: (a.since, a.id)):
            if a.client_id in live and a.member_id in covers:
                covers[a.member_id].append(live[a.client_id].name)
        self.covers = covers
        order = {"owner": 0, "pm": 1, "analyst": 2}
        people = sorted(agency.members, key=lambda m: (order[m.role.value], m.name.casefold()))
        self.query_one("#team-table", KeyTable).sync(COLUMNS, self.app.size.width, [
            (m.id, (cell(m.name, "bold"), cell(m.role.value), load_bar(len(covers[m.id]),
                                                                        m.capacity),
                    cell(", ".join(covers[m.id]) or "—")))
            for m in people])
        over = sum(1 for m in people if m.capacity is not None and len(covers[m.id]) > m.capacity)
        summary = Text.assemble((count(len(people), "person", "people"), "bold"),
                                f" · {count(len(live), 'active client')}")
        if over:
            summary.append(f" · {over} over capacity", style="bold red")
        self.query_one("#team-summary", Static).update(summary)
        thin = sorted(a.client.name for a in snapshot.assessments
                      if any(s.code is SignCode.THIN_COVERAGE for s in active(a.signs)))
        text = Text("Covered by fewer than two people (a PM and an analyst): ", style="bold")
        text.append(clean_line(", ".join(thin)) if thin else "none", style="" if thin else "green")
        self.query_one("#team-thin", Static).update(text)
        self._detail()

    def selected(self) -> TeamMember | None:
        key = self.query_one("#team-table", KeyTable).selected_key()
        if self.shown is None or key is None:
            return None
        return next((m for m in self.shown.agency.members if m.id == key), None)

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self.update_bindings()
        self._detail()

    def _detail(self) -> None:
        """The selected person's clients in full (the table's column cuts them short)."""
        m = self.selected()
        detail = self.query_one("#team-detail", Static)
        if m is None:
            detail.update("")
            return
        mine = getattr(self, "covers", {}).get(m.id, [])
        cap = f" of {m.capacity}" if m.capacity is not None else ""
        text = Text.assemble((clean_line(m.name), "bold"),
                             f" covers {count(len(mine), 'active client')}{cap}",
                             (" — over capacity" if m.capacity is not None
                              and len(mine) > m.capacity else "", "bold red"),
                             ": " if mine else "", clean_line(", ".join(mine)))
        detail.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("assign", "unassign", "edit"):
            return self.selected() is not None or None  # greyed: needs a selection
        return True

    def action_assign(self) -> None:
        m = self.selected()
        if m is not None:
            assign(self.context, m)

    def action_unassign(self) -> None:
        m = self.selected()
        if m is not None:
            unassign(self.context, m)

    def action_new(self) -> None:
        edit_member(self.context)

    def action_edit(self) -> None:
        m = self.selected()
        if m is not None:
            edit_member(self.context, m)
