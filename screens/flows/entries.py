"""The client's timeline entries — interactions, NPS responses, budget changes, access
grants, contact changes, activities — logged, and corrected or deleted later.

One form per kind of entry serves both: empty to log a new one, filled in to correct one
(Enter on the Timeline), with "Delete this entry" to remove one made by mistake. Changes
and deletions go to the audit trail with who made them and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from rich.text import Text

from screens.context import Context
from screens.fields import Field, Values
from screens.flows.forms import client_view, money_text
from screens.forms import FormScreen
from tracker.attendance import CALL_KINDS, usual_attendees
from tracker.budget import last_budget
from tracker.dates import Sense
from tracker.models import (
    AccessGrant,
    Activity,
    BudgetChange,
    Client,
    ContactChange,
    Interaction,
    InteractionKind,
    NpsResponse,
    Outcome,
)
from tracker.money import format_money
from tracker.text import clean_line


def attendee_fields(ctx: Context, client: Client,
                    entry: Interaction | None = None) -> list[Field]:
    """Who took part in a call: filled in with who usually does, to correct."""
    view = client_view(ctx, client.id) if entry is None else None
    ours, theirs = ((entry.attendees_ours, entry.attendees_theirs) if entry is not None
                    else usual_attendees(view.agency, client) if view is not None
                    else ((), ()))  # unread: nobody suggested (the person was told why)
    return [Field("ours", "Calls and meetings: who attended from us (commas between)",
                  "names", ", ".join(ours)),
            Field("theirs", f"… and from {clean_line(client.name)}", "names",
                  ", ".join(theirs))]


Entry = Interaction | NpsResponse | Activity | BudgetChange | AccessGrant | ContactChange
E = TypeVar("E", Interaction, NpsResponse, Activity, BudgetChange, AccessGrant, ContactChange)


@dataclass(frozen=True, slots=True)
class EntryForm(Generic[E]):
    """How one kind of entry is asked for, created and corrected."""

    title: str
    fields: Callable[[Context, Client, E | None], list[Field]]
    create: Callable[[Context, Client, Values], object]
    update: Callable[[E, Values], E]
    done: str
    preview: Callable[[Client, Values], Text] | None = None  # what saving would do, live


def _day(entry: Entry | None) -> str:
    return entry.on.isoformat() if entry is not None else "today"


def _interaction_fields(ctx: Context, client: Client, e: Interaction | None,
                        ) -> list[Field]:
    kind = e.kind if e is not None else InteractionKind.STATUS_CALL
    return [Field("kind", "What", "choice", kind.value,
                  choices=tuple((k.label, k.value) for k in InteractionKind)),
            Field("on", "When", "date", _day(e), required=True, sense=Sense.PAST),
            *attendee_fields(ctx, client, e),
            Field("note", "Notes", "note", e.notes if e else "")]  # the form names the editor's key


def _attended(v: Values) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Attendance is kept for calls and meetings only."""
    calls = InteractionKind(v.text("kind")) in CALL_KINDS
    return (v.names("ours"), v.names("theirs")) if calls else ((), ())


INTERACTION: EntryForm[Interaction] = EntryForm(
    "Log", _interaction_fields,
    lambda ctx, c, v: ctx.act.log(c, InteractionKind(v.text("kind")), v.day("on"), v.text("note"),
                                  *_attended(v)),
    lambda e, v: replace(e, kind=InteractionKind(v.text("kind")), on=v.day("on"),
                         notes=v.text("note"),
                         attendees_ours=_attended(v)[0], attendees_theirs=_attended(v)[1]),
    "Logged.")
NPS: EntryForm[NpsResponse] = EntryForm(
    "NPS response",
    lambda ctx, c, e: [Field("score", "Score (0-10)", "nps", str(e.score) if e else "",
                             required=True),
                       Field("comment", "Comment", value=e.comment if e else ""),
                       Field("on", "When", "date", _day(e), required=True, sense=Sense.PAST)],
    lambda ctx, c, v: ctx.act.nps(c, v.number("score"), v.text("comment"), v.day("on")),
    lambda e, v: replace(e, score=v.number("score"), comment=v.text("comment"), on=v.day("on")),
    "NPS recorded.")
ACTIVITY: EntryForm[Activity] = EntryForm(
    "Activity or test",
    lambda ctx, c, e: [
        Field("title", "Activity or test", value=e.title if e else "", required=True),
        Field("test", "It is a test", "bool", "1" if e and e.test else "",
              hint="an experiment with a result to judge"),
        Field("result", "Result", "note", e.result if e else ""),
        Field("outcome", "Outcome", "choice", e.outcome.value if e else Outcome.OPEN.value,
              choices=(("open: running or not judged yet", Outcome.OPEN.value),
                       ("win", Outcome.WIN.value), ("learning", Outcome.LEARNING.value))),
        Field("on", "When", "date", _day(e), required=True, sense=Sense.PAST)],
    lambda ctx, c, v: ctx.act.activity(c, v.text("title"), test=v.ticked("test"),
                                       result=v.text("result"),
                                       outcome=Outcome(v.text("outcome")), on=v.day("on")),
    lambda e, v: replace(e, title=v.text("title"), test=v.ticked("test"), result=v.text("result"),
                         outcome=Outcome(v.text("outcome")), on=v.day("on")),
    "Activity recorded.")


def _budget_fields(ctx: Context, client: Client, e: BudgetChange | None) -> list[Field]:
    view = client_view(ctx, client.id) if e is None else None
    # unread (the person was told why): left for them to give, never a made-up 0
    last = (last_budget(view.agency.budget_changes, client.id) or 0) if view else 0
    return [Field("old", "Budget before", "money", money_text(e.old_cents if e else last),
                  required=True, currency=client.currency),
            Field("new", "Budget now", "money", money_text(e.new_cents) if e else "",
                  required=True, currency=client.currency),
            Field("reason", "Why", value=e.reason if e else ""),
            Field("savings", "Savings we created", "bool",
                  "1" if e and e.savings_we_created else "",
                  hint="a cut that comes from savings we created (not a warning sign)"),
            Field("on", "When", "date", _day(e), required=True, sense=Sense.PAST)]


def _budget_change(client: Client, v: Values) -> Text:
    if v.get("old") is None or v.get("new") is None:
        return Text("")
    delta = v.number("new") - v.number("old")
    return Text(f"change: {format_money(delta, client.currency)}",
                style="bold red" if delta < 0 else "bold green")


BUDGET: EntryForm[BudgetChange] = EntryForm(
    "Budget change", _budget_fields,
    lambda ctx, c, v: ctx.act.budget(c, v.number("old"), v.number("new"), v.text("reason"),
                                     v.ticked("savings"),
                                     v.day("on")),
    lambda e, v: replace(e, old_cents=v.number("old"), new_cents=v.number("new"),
                         reason=v.text("reason"), savings_we_created=v.ticked("savings"),
                         on=v.day("on")),
    "Budget change recorded.", _budget_change)
ACCESS: EntryForm[AccessGrant] = EntryForm(
    "New account access",
    lambda ctx, c, e: [Field("who", "Granted to", value=e.who if e else "", required=True),
                       Field("account", "Which account", value=e.account if e else ""),
                       Field("on", "When", "date", _day(e), required=True, sense=Sense.PAST)],
    lambda ctx, c, v: ctx.act.access(c, v.text("who"), v.text("account"), v.day("on")),
    lambda e, v: replace(e, who=v.text("who"), account=v.text("account"), on=v.day("on")),
    "Access grant recorded.")
CONTACT: EntryForm[ContactChange] = EntryForm(
    "Main contact change",
    lambda ctx, c, e: [
        *([Field("old", "Contact before", value=e.old_name, required=True)] if e else []),
        Field("name", "New main contact", value=e.new_name if e else "", required=True),
        *([] if e else [Field("title", "Their role")]),
        Field("on", "When", "date", _day(e), required=True, sense=Sense.PAST)],
    lambda ctx, c, v: ctx.act.contact_change(c, v.text("name"), v.text("title"), v.day("on")),
    lambda e, v: replace(e, old_name=v.text("old"), new_name=v.text("name"), on=v.day("on")),
    "Contact change recorded; brief the new contact.")

def correct_entry(ctx: Context, client: Client, entry: Entry) -> None:
    """Correct or delete a logged entry, with its own kind's form."""
    match entry:
        case Interaction():
            open_entry(ctx, client, INTERACTION, entry)
        case NpsResponse():
            open_entry(ctx, client, NPS, entry)
        case Activity():
            open_entry(ctx, client, ACTIVITY, entry)
        case BudgetChange():
            open_entry(ctx, client, BUDGET, entry)
        case AccessGrant():
            open_entry(ctx, client, ACCESS, entry)
        case ContactChange():
            open_entry(ctx, client, CONTACT, entry)


def open_entry(ctx: Context, client: Client, form: EntryForm[E], entry: E | None = None,
               intro: Text | None = None, preset: dict[str, str] | None = None) -> None:
    """Log a new entry (``entry`` None; ``preset`` fills some fields) or correct or delete
    ``entry``."""
    fields = [replace(f, value=preset[f.name]) if preset and f.name in preset else f
              for f in form.fields(ctx, client, entry)]
    if entry is not None:
        fields.append(Field("delete", "Delete this entry", "bool",
                            hint="delete it: it was a mistake (the audit trail keeps it)"))

    def save(v: Values | None) -> None:
        if v is None:
            return
        if entry is None:
            ctx.attempt(lambda: form.create(ctx, client, v), form.done)
        elif v.get("delete"):
            confirm_delete(ctx, client, entry)
        else:
            ctx.attempt(lambda: ctx.act.save(form.update(entry, v), base=entry),
                        "Corrected (the audit trail keeps what it was).")

    title = f"{'Correct: ' if entry is not None else ''}{form.title} · {clean_line(client.name)}"
    preview = form.preview
    ctx.push_screen(FormScreen(title, fields, ctx.snapshot.today, intro=intro,
                               preview=(lambda v: preview(client, v)) if preview else None),
                    save)


def describe(entry: Entry, currency: str = "USD") -> str:
    """One line naming an entry, for the delete confirmation."""
    if isinstance(entry, Interaction):
        what = entry.kind.label
    elif isinstance(entry, NpsResponse):
        what = f"NPS {entry.score}/10"
    elif isinstance(entry, BudgetChange):
        what = (f"budget change {format_money(entry.old_cents, currency)} -> "
                f"{format_money(entry.new_cents, currency)}")
    elif isinstance(entry, AccessGrant):
        what = f"access granted to {entry.who}"
    elif isinstance(entry, ContactChange):
        what = f"main contact change {entry.old_name} -> {entry.new_name}"
    else:
        what = f"activity {entry.title}"
    return clean_line(f"the {what} of {entry.on:%a %-d %b %Y}")


def confirm_delete(ctx: Context, client: Client, entry: Entry) -> None:
    name = describe(entry, client.currency)

    def done(v: Values | None) -> None:
        if v is not None:
            ctx.attempt(lambda: ctx.act.delete(entry), f"Deleted {name}.")

    ctx.push_screen(FormScreen(f"Delete {name}?", [], ctx.snapshot.today, submit="Delete",
                               intro=Text("It goes from the timeline and from every rule "
                                          "that counted it; the audit trail keeps who "
                                          "deleted it and when.")), done)


def log_interaction(ctx: Context, client: Client,
                    kind: InteractionKind = InteractionKind.STATUS_CALL) -> None:
    open_entry(ctx, client, INTERACTION, preset={"kind": kind.value})


def log_contact_change(ctx: Context, client: Client) -> None:
    old = client.primary_contact.name if client.primary_contact else ""
    intro = Text(f"Until now: {clean_line(old)}" if old else
                 "The first main contact: nobody is replaced, so it is not a warning sign.")
    form = CONTACT if old else replace(CONTACT, title="Main contact",
                                       done="Main contact set (the first: not a warning sign).")
    open_entry(ctx, client, form, intro=intro)
