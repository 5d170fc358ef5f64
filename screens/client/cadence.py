"""The Cadence tab: each cadence the client is kept to (calls, reports, contact, visits),
when it was last met, when it is due, and a note on the visit window."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from screens.cells import cell, day_cell
from screens.tables import KeyTable, Row
from storage.snapshot import Snapshot
from tracker.cadence import Cadence, CadenceState
from tracker.review import ClientAssessment

CAD_COLS = [("Cadence", "kind", 15), ("Last", "last", 10), ("Due from", "due", 10),
            ("Deadline", "deadline", 10), ("State", "state", 0)]
_STYLES = {CadenceState.OVERDUE: "bold red", CadenceState.DUE: "bold yellow",
           CadenceState.OK: "green"}


def _state(c: Cadence, today: date) -> Text:
    when = day_cell(c.due_on, today, c.deadline)
    if when.plain.startswith(c.state.value):  # "due now", not "due due now"
        return when
    return Text.assemble((c.state.value, _STYLES[c.state]), " ", when)


def cadence_rows(a: ClientAssessment, today: date) -> list[Row]:
    return [(c.kind.value, (cell(c.kind.label), cell(f"{c.last:%d %b %y}" if c.last
                                                     else "never"),
                            cell(f"{c.due_on:%d %b %y}"), cell(f"{c.deadline:%d %b %y}"),
                            _state(c, today)))
            for c in a.cadences]


def cadence_note(a: ClientAssessment) -> str:
    """The visit window in words (a remote client's face time has its own rhythm)."""
    if not a.cadences:
        return f"No cadence: the client is {a.client.status.value}."
    s = a.client.cadence
    return (f"Visit window: due {s.visit_min_days} days after the last face time, overdue "
            f"after {s.visit_max_days} (visits and agency events count)."
            if a.client.remote else "Local client: no visit window.")


class CadenceTab:
    table = "#cadence-table"

    def widgets(self) -> list[Widget]:
        return [KeyTable(id="cadence-table"), Static(id="cadence-note")]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one(self.table, KeyTable).sync(CAD_COLS, width, cadence_rows(a, snap.today))
        pane.query_one("#cadence-note", Static).update(Text(cadence_note(a), style="dim"))
