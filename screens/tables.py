"""The list widget every screen uses: a row-cursor DataTable with vim keys."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class KeyTable(DataTable[object]):
    """DataTable with ``j``/``k``/``g``/``G`` and a row cursor; rows keyed by domain id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "scroll_top", "First", show=False, id="list.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="list.last"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]

    def set_columns(self, columns: list[tuple[str, str, int]], width: int) -> None:
        """Replace all rows and columns; a column of width 0 takes the room that is left."""
        self.clear(columns=True)
        fixed = sum(w for _, _, w in columns) + 2 * self.cell_padding * len(columns) + 2
        for label, key, w in columns:
            self.add_column(label, key=key, width=w or max(10, width - fixed))

    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value
