"""The Health tab: the client's health score and the factors that make it, with evidence."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from screens.cells import health_cell
from storage.snapshot import Snapshot
from tracker.health import AMBER_BELOW, RED_BELOW, SEVERE_CAP
from tracker.review import ClientAssessment
from tracker.text import clean_line


def health_view(a: ClientAssessment) -> Group:
    grid = Table(show_header=True, header_style="bold", box=None, expand=True)
    grid.add_column("points", justify="right", no_wrap=True)
    grid.add_column("factor", no_wrap=True)
    grid.add_column("evidence", overflow="fold")
    for f in a.health.factors:
        grid.add_row(f"{f.points:+d}", clean_line(f.label), Text(clean_line(f.detail)))
    head = Text.assemble("Health ", health_cell(a.health),
                         (f"   risk below {RED_BELOW}, watch below {AMBER_BELOW}; an unresolved "
                          f"severe sign caps it at {SEVERE_CAP}", "dim"))
    return Group(head, grid)


class HealthTab:
    table = None

    def widgets(self) -> list[Widget]:
        return [VerticalScroll(Static(id="health-body"))]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one("#health-body", Static).update(health_view(a))
