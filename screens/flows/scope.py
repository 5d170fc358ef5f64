"""A scope item added or edited, and an out-of-scope request logged, through a form."""

from __future__ import annotations

from dataclasses import replace

from screens.context import Context
from screens.fields import Field, Values
from screens.flows.forms import money_text, open_form
from screens.forms import FormScreen
from storage.ids import new_id
from tracker.dates import Sense
from tracker.models import (
    Client,
    FeeKind,
    ScopeItem,
    ScopeStatus,
)
from tracker.text import clean_line


def edit_scope(ctx: Context, client: Client, item: ScopeItem | None = None) -> None:
    i = item
    fields = [
        Field("title", "Title", value=i.title if i else "", required=True),
        Field("deliverable", "Deliverable", value=i.deliverable if i else ""),
        Field("due", "Due", "date", i.due.isoformat() if i and i.due else "", sense=Sense.DUE),
        Field("metric", "Success metric", value=i.success_metric if i else ""),
        Field("status", "Status", "choice", i.status.value if i else "planned",
              choices=tuple((s.value, s.value) for s in ScopeStatus)),
        Field("fee", "Fee for this item", "money", money_text(i.fee_cents) if i else "",
              currency=client.currency),
        fee_kind_field(i.fee_kind if i else FeeKind.MONTHLY),
    ]

    def save(v: Values) -> None:
        base = i or ScopeItem(id=new_id("ScopeItem"), client_id=client.id, title=v.text("title"))
        record = replace(base, title=v.text("title"), deliverable=v.text("deliverable"),
                         due=v.maybe_day("due"),
                         success_metric=v.text("metric"), status=ScopeStatus(v.text("status")),
                         fee_cents=v.number("fee"), fee_kind=FeeKind(v.text("fee_kind")))
        ctx.attempt(lambda: ctx.act.save(record, base=i),
                    f"Saved scope item {clean_line(record.title)}.")

    title = f"Edit scope item · {clean_line(client.name)}" if i else \
        f"Add to the scope of {clean_line(client.name)}"
    open_form(ctx, FormScreen(title, fields, ctx.snapshot.today), save)


def new_request(ctx: Context, client: Client) -> None:
    who = client.primary_contact.name if client.primary_contact else ""
    fields = [
        Field("description", "What they asked for", required=True),
        Field("by", "Asked by", value=who),
        Field("on", "Asked on", "date", "today", required=True, sense=Sense.PAST),
        Field("hours", "Estimated hours", "hours"),
        Field("fee", "Fee if we expand scope", "money", currency=client.currency),
        fee_kind_field(),
    ]

    def save(v: Values) -> None:
        done = f"Change request logged: decide it with {ctx.keys.label('client.decide')}."
        ctx.attempt(lambda: ctx.act.new_request(
            client, v.text("description"), v.text("by"), v.hours("hours"), v.number("fee"),
            v.day("on"), FeeKind(v.text("fee_kind"))), done)

    open_form(ctx, FormScreen(f"Out-of-scope request · {clean_line(client.name)}", fields,
                          ctx.snapshot.today), save)


def fee_kind_field(kind: FeeKind = FeeKind.MONTHLY) -> Field:
    return Field("fee_kind", "The fee is charged", "choice", kind.value,
                 choices=(("every month (ongoing work)", FeeKind.MONTHLY.value),
                          ("once (a project)", FeeKind.ONE_OFF.value)))
