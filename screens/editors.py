"""Forms that create or change records: each opens a FormScreen and saves through the ctx."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text

from screens.context import Context
from screens.fields import Field
from screens.forms import FormScreen
from screens.notices import tell
from storage.ids import new_id
from tracker.dates import Sense
from tracker.labels import count
from tracker.lookup import member_twin, name_key, twin_of
from tracker.models import (
    CadenceSettings,
    CallFrequency,
    Client,
    ClientStatus,
    Contact,
    FeeKind,
    Role,
    ScopeItem,
    ScopeStatus,
    TeamMember,
)
from tracker.money import amount_text
from tracker.ownership import counted, records_of
from tracker.text import clean_line
from tracker.validation import ValidationError, validate
from tracker.warning_signs import Sign

Values = dict[str, Any]


def _money_text(cents: int) -> str:
    return amount_text(cents) if cents else ""


def _open(ctx: Context, form: FormScreen, save: Any) -> None:
    def done(values: Values | None) -> None:
        if values is not None:
            save(values)

    ctx.push_screen(form, done)


def edit_client(ctx: Context, client: Client | None = None) -> None:
    """New client, or edit one (status, fee, cadence, contact, channel, house rules)."""
    c = client
    cad = c.cadence if c else ctx.workspace.new_client_cadence
    contact = c.primary_contact if c and c.primary_contact else None
    fields = [
        Field("name", "Name", value=c.name if c else "", required=True),
        Field("status", "Status", "choice", c.status.value if c else "active",
              choices=tuple((s.value, s.value) for s in ClientStatus)),
        Field("fee", "Monthly fee", "money", _money_text(c.fee_cents) if c else "",
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
        if v["visit_max"] < v["visit_min"]:
            problems["visit_max"] = "must not be before the low end"
        twin = twin_of(ctx.snapshot.agency.clients, replace(
            c or Client(id="", name="", start_date=ctx.snapshot.today), name=v["name"],
            status=ClientStatus(v["status"])))
        if twin is not None:  # said here, so that nothing typed is lost to a refused save
            problems["name"] = f"{clean_line(twin.name)} is already a client: give a name " \
                "that tells them apart"
        if v["email"] and not v["contact"]:
            problems["contact"] = "whose email is it? give the contact's name"
        return problems

    def save(v: Values) -> None:
        primary = None
        if v["contact"]:
            base = contact or Contact(id=new_id("Contact"), name=v["contact"])
            primary = replace(base, name=v["contact"], email=v["email"])
        record = Client(
            id=c.id if c else new_id("Client"), name=v["name"],
            status=ClientStatus(v["status"]), remote=bool(v["remote"]),
            location=v["location"], fee_cents=v["fee"], currency=v["currency"].upper(),
            start_date=v["start"], primary_contact=primary,
            contacts=c.contacts if c else (), channel_url=v["channel"],
            comm_rules=v["rules"],
            cadence=CadenceSettings(status_call=CallFrequency(v["call"]),
                                    monthly_report=bool(v["report"]),
                                    min_contact_days=v["contact_days"],
                                    visit_min_days=v["visit_min"],
                                    visit_max_days=v["visit_max"]),
            rev=c.rev if c else 0)
        saved = ctx.attempt(lambda: ctx.act.save(record, base=c),
                            f"Saved {clean_line(record.name)}.")
        if saved is not None and c is None:
            ctx.open_client(saved.id)

    title = f"Edit {clean_line(c.name)}" if c else "New client"
    _open(ctx, FormScreen(title, fields, ctx.snapshot.today, check=check), save)


def archive_client(ctx: Context, client: Client) -> None:
    """Archive a client (its history stays), or delete it with all its records."""

    mine = records_of(ctx.snapshot.agency, client.id)
    how_many = counted(mine)
    fields = [Field("what", "What to do", "choice", "archive", choices=(
                  ("archive: it becomes churned; its history stays", "archive"),
                  (f"delete it with {how_many}", "delete"))),
              Field("name", "To delete, type its name", hint="not needed to archive")]

    def check(v: Values) -> dict[str, str]:
        if v["what"] == "delete" and name_key(v["name"]) != name_key(client.name):
            return {"name": f"type {clean_line(client.name)} to delete it"}
        return {}

    def save(v: Values) -> None:
        if v["what"] == "delete":
            ctx.attempt(lambda: ctx.act.delete_client(client),
                        f"Deleted {clean_line(client.name)} and {how_many} (the audit trail "
                        "and the backups keep them).")
            return
        ctx.attempt(lambda: ctx.act.archive(client),
                    f"{clean_line(client.name)} archived (churned).")

    _open(ctx, FormScreen(f"Archive or delete {clean_line(client.name)}?", fields,
                          ctx.snapshot.today, submit="Do it", check=check, intro=Text(
                              "Archived, it becomes a churned client: no cadence, no signs, "
                              "listed at the bottom, its history kept. Deleted, it goes with "
                              f"{how_many}: only for a client entered by mistake.")), save)


def edit_scope(ctx: Context, client: Client, item: ScopeItem | None = None) -> None:
    i = item
    fields = [
        Field("title", "Title", value=i.title if i else "", required=True),
        Field("deliverable", "Deliverable", value=i.deliverable if i else ""),
        Field("due", "Due", "date", i.due.isoformat() if i and i.due else "", sense=Sense.DUE),
        Field("metric", "Success metric", value=i.success_metric if i else ""),
        Field("status", "Status", "choice", i.status.value if i else "planned",
              choices=tuple((s.value, s.value) for s in ScopeStatus)),
        Field("fee", "Fee for this item", "money", _money_text(i.fee_cents) if i else "",
              currency=client.currency),
        fee_kind_field(i.fee_kind if i else FeeKind.MONTHLY),
    ]

    def save(v: Values) -> None:
        base = i or ScopeItem(id=new_id("ScopeItem"), client_id=client.id, title=v["title"])
        record = replace(base, title=v["title"], deliverable=v["deliverable"], due=v["due"],
                         success_metric=v["metric"], status=ScopeStatus(v["status"]),
                         fee_cents=v["fee"], fee_kind=FeeKind(v["fee_kind"]))
        ctx.attempt(lambda: ctx.act.save(record, base=i),
                    f"Saved scope item {clean_line(record.title)}.")

    title = f"Edit scope item · {clean_line(client.name)}" if i else \
        f"Add to the scope of {clean_line(client.name)}"
    _open(ctx, FormScreen(title, fields, ctx.snapshot.today), save)


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
        ctx.attempt(lambda: ctx.act.new_request(client, v["description"], v["by"], v["hours"],
                                                v["fee"], v["on"], FeeKind(v["fee_kind"])),
                    f"Change request logged: decide it with {ctx.keys.label('client.decide')}.")

    _open(ctx, FormScreen(f"Out-of-scope request · {clean_line(client.name)}", fields,
                          ctx.snapshot.today), save)


def fee_kind_field(kind: FeeKind = FeeKind.MONTHLY) -> Field:
    return Field("fee_kind", "The fee is charged", "choice", kind.value,
                 choices=(("every month (ongoing work)", FeeKind.MONTHLY.value),
                          ("once (a project)", FeeKind.ONE_OFF.value)))


def edit_member(ctx: Context, member: TeamMember | None = None) -> None:
    m = member
    fields = [Field("name", "Name", value=m.name if m else "", required=True),
              Field("role", "Role", "choice", m.role.value if m else "analyst",
                    choices=tuple((r.value, r.value) for r in Role)),
              Field("max", "Most clients at once (empty: 3 for analysts, else no limit)",
                    "int", str(m.max_clients) if m and m.max_clients is not None else "",
                    minimum=0),
              Field("login", "Unix login", value=m.login if m else "")]
    if m is not None:
        fields.append(Field("remove", "Remove from the team", "bool",
                            hint="take this person off the team, with their assignments"))

    def record_of(v: Values) -> TeamMember:
        return TeamMember(id=m.id if m else new_id("TeamMember"), name=v["name"],
                          role=Role(v["role"]), max_clients=v["max"], login=v["login"],
                          rev=m.rev if m else 0)

    def check(v: Values) -> dict[str, str]:
        record = record_of(v)
        why = member_twin(ctx.snapshot.agency.members, record)
        if why:
            return {"login" if "login" in why else "name": why}
        try:
            validate(record)
        except ValidationError as e:
            return {e.field if e.field in ("name", "login") else "name": e.message}
        return {}

    def save(v: Values) -> None:
        if m is not None and v.get("remove"):
            remove_member(ctx, m)
            return
        record = record_of(v)
        ctx.attempt(lambda: ctx.act.save(record, base=m), f"Saved {clean_line(record.name)}.")

    _open(ctx, FormScreen(f"Edit {clean_line(m.name)}" if m else "New team member", fields,
                          ctx.snapshot.today, check=check), save)


def remove_member(ctx: Context, member: TeamMember) -> None:
    names = {c.id: c.name for c in ctx.snapshot.agency.clients}
    covers = [names.get(a.client_id, a.client_id) for a in ctx.snapshot.agency.assignments
              if a.member_id == member.id]
    said = (f"They cover {count(len(covers), 'client')}: {', '.join(covers)}; those clients "
            "lose this cover." if covers else "They cover no client.")

    def done(v: Values) -> None:
        ctx.attempt(lambda: ctx.act.remove_member(member),
                    f"{clean_line(member.name)} is off the team.")

    _open(ctx, FormScreen(f"Remove {clean_line(member.name)} from the team?", [],
                          ctx.snapshot.today, submit="Remove", intro=Text(clean_line(said))),
          done)


def assign(ctx: Context, member: TeamMember) -> None:
    covered = {a.client_id for a in ctx.snapshot.agency.assignments if a.member_id == member.id}
    clients = sorted((c for c in ctx.snapshot.agency.clients
                      if c.id not in covered and c.status is not ClientStatus.CHURNED),
                     key=lambda c: c.name.casefold())
    if not clients:
        tell(ctx, f"{member.name} already covers every client.")
        return
    fields = [Field("client", "Client", "choice", clients[0].id,
                    choices=tuple((clean_line(c.name), c.id) for c in clients))]
    active = {c.id for c in ctx.snapshot.agency.clients if c.status is ClientStatus.ACTIVE}
    load = len(covered & active)  # what capacity counts

    def preview(v: Values) -> Text:
        """Capacity, before saving: over it is allowed, and said plainly."""
        cap = member.capacity
        client = next((c for c in clients if c.id == v.get("client")), None)
        after = load + (1 if client is not None and client.status is ClientStatus.ACTIVE
                        else 0)
        if cap is None:
            return Text(f"{clean_line(member.name)} would cover {count(after, 'active client')}"
                        " (no limit)")
        over = after > cap
        return Text(f"{clean_line(member.name)} would cover {after} of {cap} active clients"
                    + (": over capacity, a warning sign" if over else ""),
                    style="bold red" if over else "")

    def save(v: Values) -> None:
        client = next(c for c in clients if c.id == v["client"])
        ctx.attempt(lambda: ctx.act.assign(client, member),
                    f"{clean_line(member.name)} now covers {clean_line(client.name)}.")

    _open(ctx, FormScreen(f"Assign {clean_line(member.name)} to", fields, ctx.snapshot.today,
                          submit="Assign", preview=preview), save)


def unassign(ctx: Context, member: TeamMember) -> None:
    names = {c.id: c.name for c in ctx.snapshot.agency.clients}
    mine = [a for a in ctx.snapshot.agency.assignments if a.member_id == member.id]
    if not mine:
        tell(ctx, f"{member.name} covers no client.")
        return
    fields = [Field("assignment", "Client", "choice", mine[0].id, choices=tuple(
        (clean_line(names.get(a.client_id, a.client_id)), a.id) for a in mine))]

    def save(v: Values) -> None:
        a = next(a for a in mine if a.id == v["assignment"])
        ctx.attempt(lambda: ctx.act.unassign(a),
                    f"{clean_line(member.name)} no longer covers "
                    f"{clean_line(names.get(a.client_id, ''))}.")

    _open(ctx, FormScreen(f"Take {clean_line(member.name)} off", fields, ctx.snapshot.today,
                          submit="Unassign"), save)


def acknowledge_sign(ctx: Context, sign: Sign, client: str) -> None:
    """Acknowledge a warning sign with a note of the action taken (it stays until resolved)."""
    intro = Text.assemble(("Suggested: ", "bold"), clean_line(sign.response))
    _open(ctx, FormScreen(f"Acknowledge: {sign.code.label} · {clean_line(client)}",
                          [Field("note", "What was done about it", required=True)],
                          ctx.snapshot.today, intro=intro, enter_submits=True),
          lambda v: ctx.attempt(lambda: ctx.act.acknowledge(sign, v["note"]),
                                "Acknowledged; it stays under Signs until resolved."))


def resolve_sign(ctx: Context, sign: Sign, client: str) -> None:
    _open(ctx, FormScreen(f"Resolve: {sign.code.label} · {clean_line(client)}",
                          [Field("note", "How it was resolved (optional)")],
                          ctx.snapshot.today, submit="Resolve", enter_submits=True),
          lambda v: ctx.attempt(lambda: ctx.act.resolve(sign, v["note"]), "Resolved."))
