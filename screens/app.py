"""The scopekeeper TUI: Review (home) and Clients, keyboard only, readable at 80x24."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from screens.clients import ClientsScreen
from screens.review import ReviewScreen
from screens.welcome import Choice, WelcomeScreen
from storage.errors import StorageError
from storage.workspace import Snapshot, Workspace


class ScopekeeperApp(App[None]):
    TITLE = "scopekeeper"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, type[ReviewScreen] | type[ClientsScreen]]] = {  # type: ignore[misc]
        "review": ReviewScreen,
        "clients": ClientsScreen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "switch_mode('review')", "Review", id="app.review"),
        Binding("c", "switch_mode('clients')", "Clients", id="app.clients"),
        Binding("ctrl+r", "reload", "Reload", id="app.reload"),
        Binding("question_mark", "toggle_help", "Help", key_display="?", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self._snapshot: Snapshot | None = None

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = self.workspace.snapshot()
        return self._snapshot

    def on_mount(self) -> None:
        self.switch_mode("review")
        if self.workspace.is_empty():
            self.push_screen(WelcomeScreen(str(self.workspace.path)), self._first_run)

    def _first_run(self, choice: Choice | None) -> None:
        if choice == "demo":
            try:
                self.workspace.load_demo()
            except StorageError as e:
                self.notify(str(e), title="Could not write the demo agency", severity="error",
                            markup=False, timeout=30)
                return
            self.action_reload()
            self.notify("Demo agency loaded.", markup=False)

    def action_reload(self) -> None:
        try:
            self._snapshot = self.workspace.snapshot()
        except StorageError as e:
            self.notify(str(e), title="Could not read the data file", severity="error",
                        markup=False)
            return
        screen = self.screen
        if hasattr(screen, "redraw"):
            screen.redraw()

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()


def run(workspace: Workspace) -> int:
    ScopekeeperApp(workspace).run()
    return 0
