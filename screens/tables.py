"""The list widget every screen uses: a row-cursor DataTable with vim keys that updates in
place (changed cells only) when the data changes, keeping the cursor on the same record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

Row = tuple[str, Sequence[Text]]


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
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._order: list[str] = []

    def sync(self, columns: Sequence[tuple[str, str, int]], width: int,
             rows: Sequence[Row]) -> None:
        """Show ``rows``. Same rows in the same order: only changed cells are redrawn.
        Otherwise the rows are replaced and the cursor stays on the same record."""
        fixed = sum(w for _, _, w in columns) + 2 * self.cell_padding * len(columns) + 2
        widths = [w or max(10, width - fixed) for _, _, w in columns]
        layout = (tuple(columns), tuple(widths))
        order = [key for key, _ in rows]
        if layout == self._layout and order == self._order:
            keys = [key for _, key, _ in columns]
            for key, cells in rows:
                old = self._cells.get(key, ())
                for col, new, before in zip(keys, cells, old, strict=False):
                    if new != before:
                        self.update_cell(key, col, new)
                self._cells[key] = tuple(cells)
            return
        keep, index, scroll = self.selected_key(), self.cursor_row, self.scroll_y
        self.clear(columns=layout != self._layout)
        if layout != self._layout:
            for (label, key, _), w in zip(columns, widths, strict=True):
                self.add_column(label, key=key, width=w)
        for key, cells in rows:
            self.add_row(*cells, key=key)
        self._layout, self._order = layout, order
        self._cells = {key: tuple(cells) for key, cells in rows}
        if not rows:
            return
        if keep in self._cells:
            self.move_cursor(row=self.get_row_index(keep), animate=False)
        else:
            self.move_cursor(row=min(index, len(rows) - 1), animate=False)
        self.scroll_to(y=scroll, animate=False)

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value
