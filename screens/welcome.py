"""First run: the data file is empty; offer the demo agency or an empty start."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.context import context_of
from screens.lifecycle import Shown
from tracker.text import clean_line

Choice = Literal["demo", "empty"]


class WelcomeScreen(Shown, ModalScreen[Choice]):
    CSS_PATH = "welcome.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "choose('demo')", "Demo agency", id="welcome.demo"),
        Binding("e", "choose('empty')", "Start empty", id="welcome.empty"),
        Binding("escape", "choose('empty')", "Start empty", show=False, id="welcome.cancel"),
    ]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome-box"):
            yield Static(Text("Welcome to scopekeeper", style="bold"), id="welcome-title")
            yield Static(Text.assemble("There is no data yet in ", (clean_line(self.path), "bold"),
                                       ".\nTry it with a demo agency, or start with an empty "
                                       "one."), id="welcome-text")
            key = context_of(self.app).keys.label
            yield OptionList(
                Option(Text(f"{key('welcome.demo')}  Load the demo agency "
                            "(25 active clients, a prospect, a churned one; every sign)"),
                       id="demo"),
                Option(Text(f"{key('welcome.empty')}  Start empty"),
                       id="empty"),
                id="welcome-options",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice: Choice = "demo" if event.option.id == "demo" else "empty"
        self.dismiss(choice)

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)
