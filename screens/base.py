"""What the agency screens share: they show the app's current snapshot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from storage.workspace import Snapshot

if TYPE_CHECKING:
    from screens.app import ScopekeeperApp


class AgencyScreen(Screen[None]):
    """A screen drawn from a :class:`Snapshot`; redrawn when the app loads a newer one."""

    shown: Snapshot | None = None

    @property
    def sk_app(self) -> ScopekeeperApp:
        from screens.app import ScopekeeperApp

        assert isinstance(self.app, ScopekeeperApp)
        return self.app

    def on_mount(self) -> None:
        self.redraw()

    def on_screen_resume(self) -> None:
        if self.shown is not self.sk_app.snapshot:
            self.redraw()

    def on_resize(self) -> None:
        if self.shown is not None:
            self.redraw()

    def redraw(self) -> None:
        snap = self.sk_app.snapshot
        self.shown = snap
        self.show(snap)
        self.refresh_bindings()

    def show(self, snapshot: Snapshot) -> None:
        raise NotImplementedError
