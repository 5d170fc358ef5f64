"""What the agency screens share: they show the app's current snapshot."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

from screens.context import Context, context_of
from screens.lifecycle import Shown, while_shown
from storage.snapshot import Snapshot


class AgencyScreen(Shown, Screen[None]):
    """A screen drawn from a :class:`Snapshot`; redrawn when the app loads a newer one (only
    while it is shown: see :mod:`screens.lifecycle`)."""

    shown: Snapshot | None = None

    @property
    def context(self) -> Context:
        """The app this screen runs in, as screens may use it."""
        return context_of(self.app)

    def on_mount(self) -> None:
        self.redraw()

    def on_screen_resume(self) -> None:
        if self.shown is not self.context.snapshot:
            self.redraw()

    _width = 0
    _enabled: tuple[object, ...] = ()

    def on_resize(self) -> None:
        if self.shown is not None and self.app.size.width != self._width:
            self.redraw()

    @while_shown
    def redraw(self) -> None:
        snap = self.context.snapshot
        self.shown = snap
        self._width = self.app.size.width
        self.show(snap)
        self.update_bindings()

    def update_bindings(self) -> None:
        """Tell the footer only when what it shows changed: each telling rebuilds it."""
        enabled = tuple((self.check_action(b.action.split("(")[0], ()), self.in_bar(b))
                        for b in self.BINDINGS if isinstance(b, Binding))
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    def in_bar(self, binding: Binding) -> bool:
        """Whether the key bar shows this screen's ``binding``: its main actions (3-5)."""
        return binding.show

    def show(self, snapshot: Snapshot) -> None:
        raise NotImplementedError
