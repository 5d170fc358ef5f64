"""Review: today's ranked queue, with the why of each item."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Header, Static

from screens.base import AgencyScreen
from screens.cells import cell, urgency_cell
from screens.tables import KeyTable
from storage.workspace import Snapshot
from tracker.review import ReviewItem, counts_by_category, kind_label
from tracker.text import clean_line

COUNT_WORDS = (("overdue", "overdue"), ("due", "due"), ("sign", "signs"),
               ("request", "requests"), ("summary", "summaries"))


def counts_line(items: tuple[ReviewItem, ...]) -> Text:
    counts = counts_by_category(items)
    line = Text.assemble((f"{len(items)} to review", "bold"))
    for key, word in COUNT_WORDS:
        if counts[key]:
            line.append(" · ")
            line.append(f"{counts[key]} {word}", style="bold red" if key == "overdue" else "")
    return line


COLUMNS = [("Urg", "urgency", 3), ("Client", "client", 20), ("Why", "why", 0)]


class ReviewScreen(AgencyScreen):
    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-counts")
        yield KeyTable(id="review-table")
        yield Static(id="review-why")
        yield Footer()

    def show(self, snapshot: Snapshot) -> None:
        self.sub_title = f"Review · {snapshot.today:%a %d %b %Y}"
        items = snapshot.review
        counts = self.query_one("#review-counts", Static)
        table = self.query_one("#review-table", KeyTable)
        keep = table.selected_key()
        table.set_columns(COLUMNS, self.app.size.width)
        for item in items:
            table.add_row(urgency_cell(item.urgency), cell(item.client, "bold"), cell(item.why),
                          key=item.key)
        if not items:
            empty = "No clients yet." if not snapshot.agency.clients else (
                "All clear: nothing needs attention today.")
            counts.update(Text(empty, style="bold green"))
        else:
            counts.update(counts_line(items))
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep))
        self._explain()
        table.focus()

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._explain()

    def _explain(self) -> None:
        why = self.query_one("#review-why", Static)
        key = self.query_one("#review-table", KeyTable).selected_key()
        item = next((i for i in self.shown.review if i.key == key), None) if self.shown else None
        if item is None:
            why.update("")
            return
        due = f" · since {item.due:%d %b %Y}" if item.due else ""
        why.update(Text.assemble((clean_line(item.client), "bold"), " — ",
                                 (kind_label(item.kind), "italic"), ": ", clean_line(item.why),
                                 (due, "dim")))
