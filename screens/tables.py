"""The list widget every screen uses: a row-cursor DataTable with vim keys that updates in
place (changed cells only) when the data changes, keeping the cursor on the same record.

A long list (over ``LONG`` rows) is first filled in two steps: the first ``AT_ONCE`` rows
(more than any screen shows) before the frame is drawn, the rest a moment after it, or
at once when a key goes past the first (``G``, page down). An agency's review of 800 items
cost the first frame 35 ms to fill at once (bench/scale.py, 5,000 clients)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

#: A row: its record's key and its cells, or what makes them (called when the row is
#: added or compared: a long list's later rows are made after the first frame).
Cells = Sequence[Text] | Callable[[], Sequence[Text]]
Row = tuple[str, Cells]


def made(cells: Cells) -> tuple[Text, ...]:
    return tuple(cells() if callable(cells) else cells)

#: Rows added before the frame is drawn; the rest follow ``REST_AFTER`` seconds later (not
#: at once after the refresh: the frame reaches the terminal from Textual's writer thread,
#: which waits while this thread adds rows -- measured: the rest added right after the
#: refresh held the first frame's output back 34 ms at 860 rows).
AT_ONCE = 120
REST_AFTER = 0.1
#: Lists longer than this are filled in two steps (a timeline's page of 200 is not).
LONG = 400


class KeyTable(DataTable[Text]):
    """DataTable with ``j``/``k``/``g``/``G`` and a row cursor; rows keyed by domain id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "scroll_top", "First", show=False, id="list.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="list.last"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self._layout: tuple[object, ...] = ()
        self._cells: dict[str, Cells] = {}
        self._order: list[str] = []
        self._fills = 0  # which filling is the latest (a later one makes a pending rest moot)
        self._pending = False  # rows of the latest filling still to be added
        self._rest: Sequence[Row] = ()  # those rows

    def sync(self, columns: Sequence[tuple[str, str, int]], width: int,
             rows: Sequence[Row]) -> None:
        """Show ``rows``. Same rows in the same order: only changed cells are redrawn.
        Otherwise the rows are replaced and the cursor stays on the same record."""
        fixed = sum(w for _, _, w in columns) + 2 * self.cell_padding * len(columns) + 2
        widths = [w or max(10, width - fixed) for _, _, w in columns]
        layout = (tuple(columns), tuple(widths))
        order = [key for key, _ in rows]
        if layout == self._layout and order == self._order and not self._pending:
            keys = [key for _, key, _ in columns]
            for key, cells in rows:
                now, old = made(cells), made(self._cells.get(key, ()))
                for col, new, before in zip(keys, now, old, strict=False):
                    if new != before:
                        self.update_cell(key, col, new)
                self._cells[key] = now
            return
        keep, index, scroll = self.selected_key(), self.cursor_row, self.scroll_y
        # in two steps only when first filled (the screen's first frame); later, at once:
        # the cursor stays where it is, the view does not jump
        at_once = len(rows) if self._layout or len(rows) <= LONG else AT_ONCE
        self.clear(columns=layout != self._layout)
        if layout != self._layout:
            for (label, key, _), w in zip(columns, widths, strict=True):
                self.add_column(label, key=key, width=w)
        for key, cells in rows[:at_once]:
            self.add_row(*made(cells), key=key)
        self._layout, self._order = layout, order
        self._cells = dict(rows)
        self._fills += 1
        self._pending = len(rows) > at_once
        if not rows:
            return
        at = order.index(keep) if keep in self._cells else min(index, len(rows) - 1)
        self._rest = rows[at_once:]
        if self._pending:  # (only a first filling: the cursor is on row 0, among them)
            fill = self._fills
            self.set_timer(REST_AFTER, lambda: self._fill_rest(fill))
        self._place(at, scroll)

    def _fill_rest(self, fill: int) -> None:
        if fill != self._fills or not self._pending:
            return  # filled again since (or already whole): not this list's rest any more
        for key, cells in self._rest:
            self.add_row(*made(cells), key=key)
        self._pending, self._rest = False, ()

    # the keys that can go past the first rows add the rest first (they are due a moment
    # after the first frame: a key pressed within it would stop at the last row added)
    def action_cursor_down(self) -> None:
        self._fill_rest(self._fills)
        super().action_cursor_down()

    def action_page_down(self) -> None:
        self._fill_rest(self._fills)
        super().action_page_down()

    def action_scroll_bottom(self) -> None:
        self._fill_rest(self._fills)
        super().action_scroll_bottom()

    def _place(self, at: int, scroll: float) -> None:
        """The cursor on row ``at`` and the view where it was, once that row is there."""
        if at < self.row_count:
            self.move_cursor(row=at, animate=False)
            self.scroll_to(y=scroll, animate=False)

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value
