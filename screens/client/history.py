"""The History tab: the client's audit trail, newest first (who changed what, when, old ->
new), read off the screen's thread since the trail can be long."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from screens.cells import cell
from screens.tables import KeyTable, Row
from storage.audit import AuditEntry, describe
from storage.snapshot import Snapshot
from tracker.review import ClientAssessment

HISTORY_COLS = [("When", "when", 16), ("Who", "who", 9), ("What", "what", 22),
                ("Changes", "changes", 0)]


def local_time(at: str) -> str:
    """An audit time (UTC) as the local time of the person reading it."""
    try:
        return f"{datetime.fromisoformat(at.replace('Z', '+00:00')).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        return at


def history_rows(trail: list[AuditEntry]) -> list[Row]:
    """Newest first; a row's key is the change's place in the trail and its record."""
    rows: list[Row] = []
    for entry in reversed(trail):
        what, details = describe(entry)
        rows.append((f"{entry.seq}:{entry.record_id}", (
            cell(local_time(entry.at)), cell(entry.by), cell(what), cell(details))))
    return rows


class HistoryTab:
    """Drawing it starts reading the trail (``read(client_id, width)``, the screen's
    worker); the worker's result comes back through :meth:`show` or :meth:`failed`."""

    table = None

    def __init__(self, read: Callable[[str, int], object]) -> None:
        self.read = read

    def widgets(self) -> list[Widget]:
        return [Static(id="history-note"), KeyTable(id="history-table")]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one("#history-note", Static).update(Text("Reading the audit trail…",
                                                            style="dim"))
        self.read(a.client.id, width)

    @staticmethod
    def show(pane: Widget, rows: list[Row], width: int, total: int) -> None:
        pane.query_one("#history-table", KeyTable).sync(HISTORY_COLS, width, rows)
        pane.query_one("#history-note", Static).update(Text(
            f"{total} change{'s' if total != 1 else ''} · who, when, which fields (old -> new)"
            " · scopekeeper history CLIENT prints them in full", style="dim"))

    @staticmethod
    def failed(pane: Widget, message: str) -> None:
        pane.query_one("#history-note", Static).update(Text(message, style="bold red"))
