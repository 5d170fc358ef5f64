"""Decide a change request: "Expand scope or stay focused?" (or, now and then, a favour)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.context import context_of
from screens.lifecycle import Shown
from tracker.decisions import favours_in_window
from tracker.labels import fee_line
from tracker.models import ChangeRequest, Client, ScopeItem, ScopeStatus
from tracker.money import format_money
from tracker.settings import Thresholds
from tracker.text import clean_line

Answer = Literal["expand", "focus", "favour"]


def summary(client: Client, cr: ChangeRequest, scope: list[ScopeItem],
            requests: list[ChangeRequest], today: date, t: Thresholds) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    by = f" by {clean_line(cr.requested_by)}" if cr.requested_by else ""
    grid.add_row("Request", Text(clean_line(cr.description)))
    fee = fee_line(cr.fee_cents, cr.fee_kind, client.currency) or "no fee given"
    grid.add_row("", Text(f"asked {cr.requested_on:%d %b %Y}{by}; estimate "
                          f"{cr.estimated_hours:g} h, {fee}", style="dim"))
    agreed = [i for i in scope if i.status is not ScopeStatus.DROPPED]
    for n, item in enumerate(agreed):
        metric = f" — {clean_line(item.success_metric)}" if item.success_metric else ""
        grid.add_row("Agreed scope" if n == 0 else "",
                     Text(f"• {clean_line(item.title)}{metric}"))
    if not agreed:
        grid.add_row("Agreed scope", Text("nothing written down yet", style="italic"))
    grid.add_row("Monthly fee", Text(format_money(client.fee_cents, client.currency)))
    n = favours_in_window(requests, today, t)
    style = "bold red" if n + 1 >= t.favour_threshold else ""
    grid.add_row("Free favours", Text(f"{n} in the last {t.favour_window_days} days "
                                      f"(a pattern at {t.favour_threshold})", style=style))
    return grid


class DecideScreen(Shown, ModalScreen[Answer | None]):
    CSS_PATH = "decide.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "answer('expand')", "Expand scope", id="decide.expand"),
        Binding("f", "answer('focus')", "Stay focused", id="decide.focus"),
        Binding("s", "answer('favour')", "Small favour", id="decide.favour"),
        Binding("escape", "cancel", "Cancel", id="decide.cancel"),
    ]

    def __init__(self, client: Client, cr: ChangeRequest, body: Table) -> None:
        super().__init__()
        self.client, self.cr, self.body = client, cr, body

    def compose(self) -> ComposeResult:
        with Vertical(id="decide-box"):
            yield Static(Text.assemble(("Expand scope or stay focused?", "bold"), "  ",
                                       (clean_line(self.client.name), "dim")))
            with VerticalScroll(id="decide-body"):
                yield Static(self.body)
            with Horizontal(id="decide-buttons"):
                k = partial(context_of(self.app).keys.label)  # the person's keys, if remapped
                yield Button(f"{k('decide.expand')}  Expand", id="expand", variant="primary")
                yield Button(f"{k('decide.focus')}  Stay focused", id="focus",
                             variant="success")
                yield Button(f"{k('decide.favour')}  Small favour", id="favour",
                             variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id)  # type: ignore[arg-type]

    def action_answer(self, answer: Answer) -> None:
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
