"""Someone else saved the same record: show both versions and let the person choose."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.keys import key_label
from tracker.text import clean_line

Choice = Literal["mine", "theirs"]


def differences(mine: Any, theirs: Any | None) -> Table:
    table = Table(show_header=True, header_style="bold", expand=True, box=None)
    table.add_column("field", style="dim", no_wrap=True)
    table.add_column("yours", overflow="fold")
    table.add_column("now stored", overflow="fold")
    if theirs is None:
        table.add_row("", Text("(your version)"), Text("deleted", style="bold red"))
        return table
    for f in dataclasses.fields(mine):
        if f.name == "rev":
            continue
        a, b = getattr(mine, f.name), getattr(theirs, f.name)
        if a != b:
            table.add_row(f.name, Text(clean_line(str(a))), Text(clean_line(str(b))))
    return table


class ConflictScreen(ModalScreen[Choice | None]):
    """Dismisses with "mine" (save mine over theirs), "theirs" (keep theirs) or None."""

    CSS_PATH = "conflict.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "choose('mine')", "Keep mine", id="conflict.mine"),
        Binding("t", "choose('theirs')", "Keep theirs", id="conflict.theirs"),
        # a lone Escape (or half an arrow key on a slow link) must not throw "mine" away
        Binding("escape", "explain", "Choose", show=False, id="conflict.cancel"),
    ]

    def __init__(self, mine: Any, theirs: Any | None) -> None:
        super().__init__()
        self.mine, self.theirs = mine, theirs

    def compose(self) -> ComposeResult:
        who = type(self.mine).__name__.lower()
        with Vertical(id="conflict-box"):
            yield Static(Text(f"Someone else changed this {who} while you were editing",
                              style="bold"))
            with VerticalScroll(id="conflict-diff"):
                yield Static(differences(self.mine, self.theirs))
            with Horizontal(id="conflict-buttons"):
                yield Button(f"{key_label(self.app, 'conflict.mine')}  Keep mine", id="mine",
                             variant="warning")
                yield Button(f"{key_label(self.app, 'conflict.theirs')}  Keep theirs",
                             id="theirs", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss("mine" if event.button.id == "mine" else "theirs")

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    def action_explain(self) -> None:
        self.app.bell()
        self.notify(f"Choose one: {key_label(self.app, 'conflict.mine')} keeps your version, "
                    f"{key_label(self.app, 'conflict.theirs')} keeps theirs.", markup=False)
