"""Someone else changed some of the same fields: the person chooses, field by field.

Everything else was merged already (their changes and mine to other fields both stand);
only the fields both of us changed differently are shown, with their labels and values as
people read them, and whose they are.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Static

from screens.context import context_of
from screens.lifecycle import Shown, while_shown
from screens.notices import tell
from tracker.labels import label, show
from tracker.text import clean_line

if TYPE_CHECKING:
    from storage.actions import Unmerged

Side = Literal["mine", "theirs"]


def when(stamp: str, today: object = None) -> str:
    """An audit time (UTC ISO) as the person reads it: ``10:42``, or ``3 Nov 10:42``."""
    try:
        at = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ""
    return f"{at:%H:%M}" if at.date() == today else f"{at:%-d %b %H:%M}"


class ConflictScreen(Shown, ModalScreen[frozenset[str] | None]):
    """Dismisses with the paths where the person keeps their own value (the others keep
    theirs), once every clashing field has a choice."""

    CSS_PATH = "conflict.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('mine')", "Yours", id="conflict.mine"),
        Binding("t", "choose('theirs')", "Theirs", id="conflict.theirs"),
        Binding("ctrl+s", "save", "Save", id="conflict.save"),
        # a lone Escape (or half an arrow key on a slow link) must not throw a change away
        Binding("escape", "explain", "Choose", show=False, id="conflict.cancel"),
    ]

    def __init__(self, clash: Unmerged, who: str, currency: str = "USD",
                 today: object = None) -> None:
        super().__init__()
        self.clash = clash
        self.who = clean_line(who) or "someone"
        self.currency = currency
        self.today = today
        self.choices: dict[str, Side | None] = {c.path: None for c in clash.merged.clashes}

    def _show(self, path: str, value: object) -> str:
        return clean_line(show(value, path, self.currency))

    def compose(self) -> ComposeResult:
        merged, record = self.clash.merged, self.clash.theirs
        noun = type(record).__name__.lower()
        stamp = when(self.clash.at, self.today)
        with Vertical(id="conflict-box"):
            yield Static(Text(f"{self.who} also changed this {noun}"
                              + (f" ({stamp})" if stamp else ""), style="bold"))
            kept = [f"yours: {', '.join(label(record, p) for p in merged.mine)}"] \
                if merged.mine else []
            kept += [f"{self.who}'s: {', '.join(label(record, p) for p in merged.theirs)}"] \
                if merged.theirs else []
            if kept:
                yield Static(Text(f"Merged without asking, {'; '.join(kept)}."),
                              id="conflict-kept")
            key = context_of(self.app).keys.label
            keys = {a: key(f"conflict.{a}") for a in ("mine", "theirs", "save")}
            yield Static(Text(f"Choose for each field: {keys['mine']} keeps yours, "
                              f"{keys['theirs']} keeps theirs; {keys['save']} saves."),
                         id="conflict-help")
            table: DataTable[Text] = DataTable(id="conflict-fields", cursor_type="row",
                                               zebra_stripes=False)
            yield table
            with Horizontal(id="conflict-buttons"):
                yield Button(f"{context_of(self.app).keys.label('conflict.save')}  Save", id="save",
                             variant="primary", disabled=True)

    @while_shown
    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Field", key="field")
        table.add_column("Yours", key="mine")
        table.add_column(f"{self.who}'s"[:30], key="theirs")
        for c in self.clash.merged.clashes:
            table.add_row(Text(label(self.clash.theirs, c.path)), *self._cells(c.path),
                          key=c.path)
        table.focus()

    def _cells(self, path: str) -> tuple[Text, Text]:
        clash = next(c for c in self.clash.merged.clashes if c.path == path)
        chosen = self.choices[path]
        cells = []
        for side, value in (("mine", clash.mine), ("theirs", clash.theirs)):
            mark = "● " if chosen == side else "○ "
            cells.append(Text(mark + self._show(path, value),
                              style="bold" if chosen == side else ""))
        return cells[0], cells[1]

    def action_choose(self, side: Side) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        path = list(self.choices)[table.cursor_row]
        self.choices[path] = side
        mine, theirs = self._cells(path)
        table.update_cell(path, "mine", mine)
        table.update_cell(path, "theirs", theirs)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self.query_one("#save", Button).disabled = not self._complete()
        self.refresh_bindings()

    def _complete(self) -> bool:
        return all(v is not None for v in self.choices.values())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and not self._complete():
            return None  # shown, greyed out, until every field has a choice
        return True

    def action_save(self) -> None:
        if self._complete():
            self.dismiss(frozenset(p for p, v in self.choices.items() if v == "mine"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save()

    def action_explain(self) -> None:
        self.app.bell()
        left = sum(v is None for v in self.choices.values())
        key = context_of(self.app).keys.label
        tell(self, f"Choose yours ({key('conflict.mine')}) or theirs "
             f"({key('conflict.theirs')}) for {left} more field"
             f"{'s' if left != 1 else ''}, then {key('conflict.save')}: "
             "nothing is lost until you save.")

