"""A change request decided: the dialog's answer (expand the scope, stay focused, or a
small favour) asks what it needs, saves it, and opens the document that says so."""

from __future__ import annotations

from rich.text import Text

from screens.context import Context
from screens.decide import Answer, DecideScreen, summary
from screens.fields import Field, Values
from screens.flows.documents import open_document
from screens.flows.forms import client_view
from screens.flows.scope import fee_kind_field
from screens.forms import FormScreen
from screens.notices import tell
from tracker.dates import Sense
from tracker.decisions import ScopeDraft, favour_reaches_pattern, favours_in_window
from tracker.models import ChangeRequest, ChangeStatus, Client, FeeKind
from tracker.money import amount_text, format_money
from tracker.settings import Thresholds
from tracker.text import clean_line


def open_decision(ctx: Context, client_id: str, cr_id: str) -> None:
    snap = client_view(ctx, client_id)
    if snap is None:
        return  # the person was told why
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

    def preview(v: Values) -> Text:
        fee = v.maybe_number("fee") or 0  # None: not readable yet
        now = format_money(client.fee_cents, client.currency)
        if v.get("fee_kind") == FeeKind.ONE_OFF.value:
            return Text.assemble("One-off fee: ", (format_money(fee, client.currency), "bold"),
                                 f"; the monthly fee stays {now}")
        return Text.assemble(
            "Monthly fee: ", now, " + ", format_money(fee, client.currency), " = ",
            (format_money(client.fee_cents + fee, client.currency), "bold"))

    def save(v: Values | None) -> None:
        if v is None:
            return
        draft = ScopeDraft(title=v.text("title"), deliverable=v.text("deliverable"),
                           due=v.maybe_day("due"),
                           success_metric=v.text("metric"), fee_cents=v.number("fee"),
                           fee_kind=FeeKind(v.text("fee_kind")))
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

    def save(v: Values | None) -> None:
        if v is not None and ctx.attempt(lambda: ctx.act.stay_focused(cr, v.text("reason")),
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

    def save(v: Values | None) -> None:
        if v is not None:
            ctx.attempt(lambda: ctx.act.small_favour(cr, v.text("note")),
                        "Done as a favour (counted).")

    note = Field("note", "Note for the client (optional; the call summary shows it)")
    ctx.push_screen(FormScreen("Small favour", [note], today, intro=intro,
                               submit="Do it for free"), save)
