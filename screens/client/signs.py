"""The Signs tab: the client's warning signs, worst first, and the evidence and the
response for the one under the cursor."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from screens.cells import cell
from screens.tables import KeyTable, Row
from storage.snapshot import Snapshot
from tracker.review import ClientAssessment
from tracker.text import clean_line
from tracker.warning_signs import Sign

SIGN_COLS = [("Sev", "sev", 7), ("Sign", "code", 20), ("Since", "since", 9),
             ("State", "state", 0)]
_STYLES = {"severe": "bold red", "warning": "yellow", "watch": ""}


def sign_rows(a: ClientAssessment) -> list[Row]:
    """Open signs first, the most severe on top, then the oldest; resolved ones dimmed."""
    rows: list[Row] = []
    for s in sorted(a.signs, key=lambda s: (s.resolved, -s.severity.rank, s.since)):
        state = ("resolved" if s.resolved else "acknowledged" if s.acknowledged
                 else "new")
        style = "dim" if s.resolved else ""
        rows.append((s.key, (cell(s.severity.value, style or _STYLES[s.severity.value]),
                             cell(s.code.label, style), cell(f"{s.since:%d %b %y}", style),
                             cell(state + (f": {s.state.note}" if s.state and s.state.note
                                           else ""), style))))
    return rows


def sign_detail(s: Sign | None) -> Text:
    """What shows a sign (evidence) and what to do about it (response)."""
    if s is None:
        return Text("No warning signs.", style="green")
    return Text.assemble(("Evidence: ", "bold"), clean_line(s.evidence), "\n",
                         ("Response: ", "bold"), clean_line(s.response))


def selected_sign(pane: Widget, a: ClientAssessment) -> Sign | None:
    """The sign under the cursor of the tab's table (None before it is shown)."""
    found = pane.query("#signs-table")
    key = found.first(KeyTable).selected_key() if found else None
    return next((s for s in a.signs if s.key == key), None) if key else None


class SignsTab:
    table = "#signs-table"

    def widgets(self) -> list[Widget]:
        return [KeyTable(id="signs-table"), Static(id="signs-detail")]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one(self.table, KeyTable).sync(SIGN_COLS, width, sign_rows(a))
        self.show_detail(pane, selected_sign(pane, a))

    @staticmethod
    def show_detail(pane: Widget, s: Sign | None) -> None:
        pane.query_one("#signs-detail", Static).update(sign_detail(s))
