"""The Overview tab: who the client is, what it pays, who works on it, its house rules,
cadence and budget history."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from storage.snapshot import Snapshot
from tracker.budget import change_words, newest_first
from tracker.money import format_money
from tracker.review import ClientAssessment
from tracker.text import clean_line


def overview(a: ClientAssessment, snap: Snapshot) -> Group:
    c = a.client
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    where = f"remote · {c.location}" if c.remote else (c.location or "local")
    grid.add_row("Status", Text(f"{c.status.value} · since {c.start_date:%d %b %Y} · "
                                f"{clean_line(where)}"))
    grid.add_row("Fee", Text(f"{format_money(c.fee_cents, c.currency)} a month"))
    p = c.primary_contact
    grid.add_row("Main contact", Text(clean_line(
        f"{p.name}{', ' + p.title if p.title else ''}{' <' + p.email + '>' if p.email else ''}")
        if p else "—"))
    for o in c.contacts:
        grid.add_row("", Text(clean_line(f"{o.name}{', ' + o.title if o.title else ''}"),
                              style="dim"))
    members = {m.id: m for m in snap.agency.members}
    team = [members[x.member_id] for x in a.history.assignments if x.member_id in members]
    grid.add_row("Team", Text(clean_line(", ".join(f"{m.name} ({m.role.value})"
                                                    for m in team)) or "nobody"))
    grid.add_row("Channel", Text(clean_line(c.channel_url) or "—"))
    grid.add_row("House rules", Text(clean_line(c.comm_rules) or "—"))
    cad = c.cadence
    grid.add_row("Cadence", Text(f"status call {cad.status_call.value}; monthly report "
                                 f"{'yes' if cad.monthly_report else 'no'}; contact at least "
                                 f"every {cad.min_contact_days} days"))
    budgets = newest_first(a.history.budget_changes)
    for n, b in enumerate(budgets[:6]):
        grid.add_row("Budget history" if n == 0 else "", Text(clean_line(
            f"{b.on:%d %b %Y}: {change_words(b, c.currency)}")))
    if not budgets:
        grid.add_row("Budget history", Text("—"))
    return Group(grid)


class OverviewTab:
    table = None

    def widgets(self) -> list[Widget]:
        return [VerticalScroll(Static(id="overview-body"))]

    def draw(self, pane: Widget, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        pane.query_one("#overview-body", Static).update(overview(a, snap))
