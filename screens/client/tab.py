"""What a tab of the client screen is: the order of the tabs, and what the screen asks of
each one (its widgets, mounted when first shown, and drawing them for one client)."""

from __future__ import annotations

from typing import Protocol

from textual.widget import Widget

from storage.snapshot import Snapshot
from tracker.review import ClientAssessment

#: The tabs, in the order of their number keys (1-8).
TABS = ("overview", "scope", "requests", "timeline", "cadence", "signs", "health", "history")


class Tab(Protocol):
    @property
    def table(self) -> str | None:
        """The selector of the table the tab's keys go to (None: it has none)."""

    def widgets(self) -> list[Widget]:
        """What the tab holds; mounted when it is first shown, so opening stays fast."""

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        """Fill the tab's widgets (inside ``pane``) for the client of ``a``; tables are
        ``width`` columns wide."""
