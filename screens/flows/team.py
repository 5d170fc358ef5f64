"""A team member added, edited or removed, and assigned to clients or taken off them."""

from __future__ import annotations

from rich.text import Text

from screens.context import Context
from screens.fields import Field, Values
from screens.flows.forms import open_form, still_reading
from screens.forms import FormScreen
from screens.notices import tell
from storage.ids import new_id
from tracker.labels import count
from tracker.lookup import member_twin
from tracker.models import (
    ClientStatus,
    Role,
    TeamMember,
)
from tracker.text import clean_line
from tracker.validation import ValidationError, validate


def edit_member(ctx: Context, member: TeamMember | None = None) -> None:
    if member is None and still_reading(ctx):
        return
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
        return TeamMember(id=m.id if m else new_id("TeamMember"), name=v.text("name"),
                          role=Role(v.text("role")), max_clients=v.maybe_number("max"),
                          login=v.text("login"),
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

    open_form(ctx, FormScreen(f"Edit {clean_line(m.name)}" if m else "New team member", fields,
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

    open_form(ctx, FormScreen(f"Remove {clean_line(member.name)} from the team?", [],
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
        client = next(c for c in clients if c.id == v.text("client"))
        ctx.attempt(lambda: ctx.act.assign(client, member),
                    f"{clean_line(member.name)} now covers {clean_line(client.name)}.")

    open_form(ctx, FormScreen(f"Assign {clean_line(member.name)} to", fields, ctx.snapshot.today,
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
        a = next(a for a in mine if a.id == v.text("assignment"))
        ctx.attempt(lambda: ctx.act.unassign(a),
                    f"{clean_line(member.name)} no longer covers "
                    f"{clean_line(names.get(a.client_id, ''))}.")

    open_form(ctx, FormScreen(f"Take {clean_line(member.name)} off", fields, ctx.snapshot.today,
                          submit="Unassign"), save)
