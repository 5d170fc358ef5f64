"""What a client's tabs show, as plain rows and renderables: the overview, the health
breakdown, the timeline, and each table's columns (the screen only lays them out)."""

from __future__ import annotations

from datetime import date

from rich.console import Group
from rich.table import Table
from rich.text import Text

from screens.cells import health_cell
from storage.snapshot import Snapshot
from tracker.health import AMBER_BELOW, RED_BELOW, SEVERE_CAP
from tracker.models import FeeKind, Outcome
from tracker.money import format_money
from tracker.review import ClientAssessment
from tracker.text import clean_line

TABS = ("overview", "scope", "requests", "timeline", "cadence", "signs", "health", "history")
HISTORY_COLS = [("When", "when", 16), ("Who", "who", 9), ("What", "what", 22),
                ("Changes", "changes", 0)]
TIMELINE_PAGE = 200

SCOPE_COLS = [("Item", "title", 24), ("Status", "status", 8), ("From", "origin", 7),
              ("Due", "due", 9), ("Success metric", "metric", 0)]
REQ_COLS = [("Asked", "on", 9), ("Status", "status", 8), ("Fee", "fee", 12),
            ("Request", "what", 0)]
TIME_COLS = [("Date", "on", 10), ("What", "kind", 18), ("By", "by", 8), ("Detail", "detail", 0)]
CAD_COLS = [("Cadence", "kind", 15), ("Last", "last", 10), ("Due from", "due", 10),
            ("Deadline", "deadline", 10), ("State", "state", 0)]
SIGN_COLS = [("Sev", "sev", 7), ("Sign", "code", 20), ("Since", "since", 9),
             ("State", "state", 0)]


def fee_cell(cents: int, kind: FeeKind, currency: str) -> str:
    """``$1,200/mo`` or ``$1,800 once``: a fee says how it is charged (— for none)."""
    if not cents:
        return "—"
    return format_money(cents, currency) + (" once" if kind is FeeKind.ONE_OFF else "/mo")


def timeline(a: ClientAssessment) -> list[tuple[str, date, str, str, str]]:
    """Every interaction and signal event, newest first: (key, date, kind, by, detail). The
    entries of one day are newest first too: the one logged last comes first (each log keeps
    the order in which its records were logged, see :class:`tracker.history.ClientHistory`;
    the ids are random and say nothing of it)."""
    h = a.history
    rows: list[tuple[str, date, str, str, str]] = []
    rows += [(r.id, r.on, "NPS response", "", f"{r.score}/10 {r.comment}".strip())
             for r in h.nps]
    cur = a.client.currency
    rows += [(b.id, b.on, "budget change", "",
              f"{format_money(b.old_cents, cur)} -> {format_money(b.new_cents, cur)}"
              f"{' (savings we created)' if b.savings_we_created else ''} {b.reason}".strip())
             for b in h.budget_changes]
    rows += [(g.id, g.on, "access granted", "", f"{g.who} {g.account}".strip())
             for g in h.access_grants]
    rows += [(c.id, c.on, "main contact change", "", f"{c.old_name} -> {c.new_name}")
             for c in h.contact_changes]
    rows += [(cr.id, cr.requested_on, "change request", cr.requested_by, cr.description)
             for cr in h.change_requests]
    rows += [(x.id, x.on, "test" if x.test else "activity", "",
              f"{x.title}" + (f": {x.result}" if x.result else "")
              + ("" if x.outcome is Outcome.OPEN else f" ({x.outcome.value})"))
             for x in h.activities]
    # (of one day, the interactions logged come above the other kinds of entry)
    rows += [(i.id, i.on, i.kind.label, i.author, i.notes) for i in h.interactions]
    logged = {key: n for n, key in enumerate(r[0] for r in rows)}  # per log: oldest first
    rows.sort(key=lambda r: (r[1], logged[r[0]]), reverse=True)
    return rows


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
    budgets = sorted(a.history.budget_changes, key=lambda b: (b.on, b.id), reverse=True)
    for n, b in enumerate(budgets[:6]):
        grid.add_row("Budget history" if n == 0 else "", Text(clean_line(
            f"{b.on:%d %b %Y}: {format_money(b.old_cents, c.currency)} -> "
            f"{format_money(b.new_cents, c.currency)}"
            f"{' (savings we created)' if b.savings_we_created else ''} {b.reason}")))
    if not budgets:
        grid.add_row("Budget history", Text("—"))
    return Group(grid)


def health_view(a: ClientAssessment) -> Group:
    grid = Table(show_header=True, header_style="bold", box=None, expand=True)
    grid.add_column("points", justify="right", no_wrap=True)
    grid.add_column("factor", no_wrap=True)
    grid.add_column("evidence", overflow="fold")
    for f in a.health.factors:
        grid.add_row(f"{f.points:+d}", clean_line(f.label), Text(clean_line(f.detail)))
    head = Text.assemble("Health ", health_cell(a.health),
                         (f"   risk below {RED_BELOW}, watch below {AMBER_BELOW}; an unresolved "
                          f"severe sign caps it at {SEVERE_CAP}", "dim"))
    return Group(head, grid)


def local_time(at: str) -> str:
    """An audit time (UTC) as the local time of the person reading it."""
    from datetime import datetime

    try:
        return f"{datetime.fromisoformat(at.replace('Z', '+00:00')).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:
        return at
