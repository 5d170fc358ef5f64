"""The Timeline tab: everything logged for the client, newest first (the merge itself is
:func:`tracker.timeline.timeline`), a page at a time, with the keys that log more."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from screens.cells import cell
from screens.tables import KeyTable
from storage.snapshot import Snapshot
from tracker.labels import count
from tracker.review import ClientAssessment
from tracker.timeline import TimelineEntry, timeline

TIME_COLS = [("Date", "on", 10), ("What", "kind", 18), ("By", "by", 8), ("Detail", "detail", 0)]
TIMELINE_PAGE = 200  # rows drawn at a time; "more" (m) adds another page


def count_line(total: int, shown: int, key: Callable[[str], str]) -> str:
    """How many entries there are and the keys that log more (``key`` names a binding's
    keys as the person has them); when not all are shown, the paging comes first and the
    log keys short, to fit 80 columns."""
    if shown < total:
        n = min(TIMELINE_PAGE, total - shown)
        logs = " ".join(key(f"client.{i}") for i in ("log", "nps", "budget", "access",
                                                      "contact", "activity"))
        return (f"{count(total, 'entry', 'entries')} · newest {shown} shown, "
                f"{key('client.more')} for {n} more · {logs} log")
    return (f"{count(total, 'entry', 'entries')} · {key('client.log')} log · "
            f"{key('client.nps')} NPS · {key('client.budget')} budget · "
            f"{key('client.access')} access · {key('client.contact')} contact · "
            f"{key('client.activity')} test")


class TimelineTab:
    """The tab and its paging: how many rows are shown, and the entries of the assessment
    last drawn (merged once, not again for each page or each key the screen checks)."""

    table = "#timeline-table"

    def __init__(self, key: Callable[[str], str]) -> None:
        self.key = key
        self.rows = TIMELINE_PAGE
        self._of: ClientAssessment | None = None
        self.entries: tuple[TimelineEntry, ...] = ()

    def widgets(self) -> list[Widget]:
        return [Static(id="timeline-count"), KeyTable(id="timeline-table")]

    def more(self) -> bool:
        """Whether some entries are not shown yet."""
        return self.rows < len(self.entries)

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        if self._of is not a:
            self._of, self.entries = a, timeline(a.history)
        shown = self.entries[: self.rows]
        pane.query_one(self.table, KeyTable).sync(TIME_COLS, width, [
            (e.id, (cell(f"{e.on:%Y-%m-%d}"), cell(e.kind), cell(e.by), cell(e.detail)))
            for e in shown])
        pane.query_one("#timeline-count", Static).update(
            Text(count_line(len(self.entries), len(shown), self.key), style="dim"))
