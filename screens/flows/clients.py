"""A client created, edited, archived or deleted, through a form."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text

from screens.context import Context
from screens.fields import Field, Values
from screens.flows.forms import client_view, money_text, open_form, still_reading
from screens.forms import FormScreen
from storage.ids import new_id
from tracker.lookup import name_key, twin_of
from tracker.models import (
    CadenceSettings,
    CallFrequency,
    Client,
    ClientStatus,
    Contact,
)
from tracker.ownership import counted, records_of
from tracker.text import clean_line


def edit_client(ctx: Context, client: Client | None = None) -> None:
    """New client, or edit one (status, fee, cadence, contact, channel, house rules)."""
    if client is None and still_reading(ctx):
        return
    c = client
    cad = c.cadence if c else ctx.workspace.new_client_cadence
    contact = c.primary_contact if c and c.primary_contact else None
    fields = [
        Field("name", "Name", value=c.name if c else "", required=True),
        Field("status", "Status", "choice", c.status.value if c else "active",
              choices=tuple((s.value, s.value) for s in ClientStatus)),
        Field("fee", "Monthly fee", "money", money_text(c.fee_cents) if c else "",
              currency_field="currency"),
        Field("currency", "Currency", "currency", c.currency if c else "USD", required=True),
        Field("start", "Start date", "date",
              c.start_date.isoformat() if c else "today", required=True),
        Field("contact", "Main contact" + (" (to correct the name; a new person: C on the "
                                           "client)" if contact else ""),
              value=contact.name if contact else ""),
        Field("email", "Contact email", "email", contact.email if contact else ""),
        Field("channel", "Dedicated channel link", value=c.channel_url if c else ""),
        Field("rules", "House rules (calls and reports: the cadence below)", "note",
              c.comm_rules if c else "No unscheduled calls: questions go to the channel."),
        Field("call", "Status calls", "choice", cad.status_call.value,
              choices=tuple((f.value, f.value) for f in CallFrequency)),
        Field("report", "Monthly report", "bool", "1" if cad.monthly_report else "",
              hint="send a monthly report"),
        Field("contact_days", "Minimum contact (days)", "int", str(cad.min_contact_days),
              required=True, minimum=1),
        Field("remote", "Remote client", "bool", "1" if c and c.remote else "",
              hint="remote: visits are due"),
        Field("location", "Location", value=c.location if c else ""),
        Field("visit_min", "Visit due after (days)", "int", str(cad.visit_min_days),
              required=True, minimum=1),
        Field("visit_max", "Visit overdue after (days)", "int", str(cad.visit_max_days),
              required=True, minimum=1),
    ]

    def check(v: Values) -> dict[str, str]:
        problems = {}
        if v.number("visit_max") < v.number("visit_min"):
            problems["visit_max"] = "must not be before the low end"
        twin = twin_of(ctx.snapshot.agency.clients, replace(
            c or Client(id="", name="", start_date=ctx.snapshot.today), name=v.text("name"),
            status=ClientStatus(v.text("status"))))
        if twin is not None:  # said here, so that nothing typed is lost to a refused save
            problems["name"] = f"{clean_line(twin.name)} is already a client: give a name " \
                "that tells them apart"
        if v.text("email") and not v.text("contact"):
            problems["contact"] = "whose email is it? give the contact's name"
        return problems

    def save(v: Values) -> None:
        primary = None
        if v.text("contact"):
            base = contact or Contact(id=new_id("Contact"), name=v.text("contact"))
            primary = replace(base, name=v.text("contact"), email=v.text("email"))
        record = Client(
            id=c.id if c else new_id("Client"), name=v.text("name"),
            status=ClientStatus(v.text("status")), remote=v.ticked("remote"),
            location=v.text("location"), fee_cents=v.number("fee"),
            currency=v.text("currency").upper(),
            start_date=v.day("start"), primary_contact=primary,
            contacts=c.contacts if c else (), channel_url=v.text("channel"),
            comm_rules=v.text("rules"),
            cadence=CadenceSettings(status_call=CallFrequency(v.text("call")),
                                    monthly_report=v.ticked("report"),
                                    min_contact_days=v.number("contact_days"),
                                    visit_min_days=v.number("visit_min"),
                                    visit_max_days=v.number("visit_max")),
            rev=c.rev if c else 0)
        saved = ctx.attempt(lambda: ctx.act.save(record, base=c),
                            f"Saved {clean_line(record.name)}.")
        if saved is not None and c is None:
            ctx.open_client(saved.id)

    title = f"Edit {clean_line(c.name)}" if c else "New client"
    open_form(ctx, FormScreen(title, fields, ctx.snapshot.today, check=check), save)


def archive_client(ctx: Context, client: Client) -> None:
    """Archive a client (its history stays), or delete it with all its records."""

    view = client_view(ctx, client.id)
    if view is None:
        return  # its records could not be read to say what a delete would take
    mine = records_of(view.agency, client.id)
    how_many = counted(mine)
    fields = [Field("what", "What to do", "choice", "archive", choices=(
                  ("archive: it becomes churned; its history stays", "archive"),
                  (f"delete it with {how_many}", "delete"))),
              Field("name", "To delete, type its name", hint="not needed to archive")]

    def check(v: Values) -> dict[str, str]:
        if v.text("what") == "delete" and name_key(v.text("name")) != name_key(client.name):
            return {"name": f"type {clean_line(client.name)} to delete it"}
        return {}

    def save(v: Values) -> None:
        if v.text("what") == "delete":
            ctx.attempt(lambda: ctx.act.delete_client(client),
                        f"Deleted {clean_line(client.name)} and {how_many} (the audit trail "
                        "and the backups keep them).")
            return
        ctx.attempt(lambda: ctx.act.archive(client),
                    f"{clean_line(client.name)} archived (churned).")

    open_form(ctx, FormScreen(f"Archive or delete {clean_line(client.name)}?", fields,
                          ctx.snapshot.today, submit="Do it", check=check, intro=Text(
                              "Archived, it becomes a churned client: no cadence, no signs, "
                              "listed at the bottom, its history kept. Deleted, it goes with "
                              f"{how_many}: only for a client entered by mistake.")), save)
