"""Asking before something typed is thrown away: Escape alone never discards work."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.context import context_of
from screens.lifecycle import Shown
from tracker.text import clean_line


class DiscardScreen(Shown, ModalScreen[bool]):
    """``True``: throw the typing away; ``False``: back to the form."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", id="discard.yes"),
        Binding("n,escape", "answer(False)", "Keep editing", id="discard.no"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.form_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-box"):
            yield Static(Text.assemble("Discard what you typed in ",
                                       (clean_line(self.form_title), "bold"), "?"))
            key = context_of(self.app).keys.label
            yield Static(Text(f"{key('discard.yes')}  discard it      "
                              f"{key('discard.no')}  keep editing", style="dim"),
                         id="discard-keys")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
