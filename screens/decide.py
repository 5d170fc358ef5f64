"""Decide a change request: "Expand scope or stay focused?" (or, now and then, a favour)."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.context import Context, context_of
from screens.documents import open_document
from screens.editors import fee_kind_field
from screens.fields import Field
from screens.forms import FormScreen
from screens.lifecycle import Shown
from screens.notices import tell
from tracker.dates import Sense
from tracker.decisions import ScopeDraft, favour_reaches_pattern, favours_in_window
from tracker.labels import fee_line
from tracker.models import ChangeRequest, ChangeStatus, Client, FeeKind, ScopeItem, ScopeStatus
from tracker.money import amount_text, format_money
from tracker.settings import Thresholds
from tracker.text import clean_line

Answer = Literal["expand", "focus", "favour"]


def summary(client: Client, cr: ChangeRequest, scope: list[ScopeItem],
            requests: list[ChangeRequest], today: Any, t: Thresholds) -> Table:
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


def open_decision(ctx: Context, client_id: str, cr_id: str) -> None:
    snap = ctx.snapshot
    a = snap.assessment(client_id)
    cr = next((r for r in a.history.change_requests if r.id == cr_id), None) if a else None
    if a is None or cr is None:
        return
    if cr.status is not ChangeStatus.PENDING:
        tell(ctx, f"Already decided: {cr.status.value}.")
        return
    t = ctx.workspace.thresholds
    body = summary(a.client, cr, list(a.history.scope_items), list(a.history.change_requests),
                   snap.today, t)

    def answered(answer: Answer | None) -> None:
        if answer == "expand":
            _expand(ctx, a.client, cr)
        elif answer == "focus":
            _focus(ctx, cr)
        elif answer == "favour":
            _favour(ctx, cr, list(a.history.change_requests), t)

    ctx.push_screen(DecideScreen(a.client, cr, body), answered)


def _expand(ctx: Context, client: Client, cr: ChangeRequest) -> None:
    fields = [
        Field("title", "New scope item", value=clean_line(cr.description), required=True),
        Field("deliverable", "Deliverable"),
        Field("due", "Due", "date", sense=Sense.DUE),
        Field("metric", "Success metric"),
        Field("fee", "Fee", "money", amount_text(cr.fee_cents) if cr.fee_cents else "",
              currency=client.currency),
        fee_kind_field(cr.fee_kind),
    ]

    def preview(v: dict[str, Any]) -> Text:
        fee = v.get("fee") or 0
        now = format_money(client.fee_cents, client.currency)
        if v.get("fee_kind") == FeeKind.ONE_OFF.value:
            return Text.assemble("One-off fee: ", (format_money(fee, client.currency), "bold"),
                                 f"; the monthly fee stays {now}")
        return Text.assemble(
            "Monthly fee: ", now, " + ", format_money(fee, client.currency), " = ",
            (format_money(client.fee_cents + fee, client.currency), "bold"))

    def save(v: dict[str, Any] | None) -> None:
        if v is None:
            return
        draft = ScopeDraft(title=v["title"], deliverable=v["deliverable"], due=v["due"],
                           success_metric=v["metric"], fee_cents=v["fee"],
                           fee_kind=FeeKind(v["fee_kind"]))
        done = ctx.attempt(lambda: ctx.act.expand(client, cr, [draft]),
                           "Scope expanded: put the change order in writing and get it agreed.")
        if done is not None:
            open_document(ctx, client.id, "change_order", request_id=cr.id)

    ctx.push_screen(FormScreen("Expand scope", fields, ctx.snapshot.today, preview=preview,
                               submit="Expand"), save)


def _focus(ctx: Context, cr: ChangeRequest) -> None:
    fields = [Field("reason", "Reason given to the client", "note", required=True,
                    value="Let's finish the agreed scope first; we can add this as a paid "
                          "change afterwards.")]

    def save(v: dict[str, Any] | None) -> None:
        if v is not None and ctx.attempt(lambda: ctx.act.stay_focused(cr, v["reason"]),
                                         "Parked: staying focused on the agreed scope."
                                         ) is not None:
            open_document(ctx, cr.client_id, "stay_focused", request_id=cr.id)

    ctx.push_screen(FormScreen("Stay focused", fields, ctx.snapshot.today, submit="Park it"),
                    save)


def _favour(ctx: Context, cr: ChangeRequest, requests: list[ChangeRequest],
            t: Thresholds) -> None:
    today = ctx.snapshot.today
    n = favours_in_window(requests, today, t) + 1
    warn = favour_reaches_pattern(requests, today, t)
    intro = Text(f"This would be free favour number {n} in {t.favour_window_days} days.")
    if warn:
        intro.append(f"\nThat is a pattern (threshold {t.favour_threshold}): the client learns "
                     "to expect free work. Consider expanding scope instead.", style="bold red")

    def save(v: dict[str, Any] | None) -> None:
        if v is not None:
            ctx.attempt(lambda: ctx.act.small_favour(cr, v["note"]),
                        "Done as a favour (counted).")

    note = Field("note", "Note for the client (optional; the call summary shows it)")
    ctx.push_screen(FormScreen("Small favour", [note], today, intro=intro,
                               submit="Do it for free"), save)
