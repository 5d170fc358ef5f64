"""Who the clients and the team are: names that tell people apart, the main contact handed
on to a successor, who covers whom. Pure: the day and new ids are handed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from tracker.entries import NewId
from tracker.errors import ValidationError
from tracker.lookup import member_twin, twin_of
from tracker.models import Assignment, Client, Contact, ContactChange, TeamMember


def check_client_name(client: Client, clients: Iterable[Client]) -> None:
    """Two clients whose names people cannot tell apart are refused."""
    twin = twin_of(clients, client)
    if twin is not None:
        raise ValidationError("name", f"{twin.name!r} ({twin.id}) is already a client: "
                              "give this one a name that tells them apart")


def check_member_name(member: TeamMember, members: Iterable[TeamMember]) -> None:
    """A second team member of the same name or login is refused."""
    why = member_twin(members, member)
    if why:
        raise ValidationError("name", why)


def contact_change(client: Client, new_name: str, title: str, on: date,
                   new_id: NewId) -> tuple[Client, ContactChange | None]:
    """The main contact changed: the successor becomes primary and the former one stays
    among the contacts; the change is recorded (a warning sign). The first main contact of
    a client is simply set (no change: nobody left)."""
    former = (client.primary_contact,) if client.primary_contact else ()
    updated = replace(client, primary_contact=Contact(id=new_id("Contact"), name=new_name,
                                                      title=title),
                      contacts=tuple(c for c in (*former, *client.contacts)))
    if client.primary_contact is None:
        return updated, None
    return updated, ContactChange(id=new_id("ContactChange"), client_id=client.id, on=on,
                                  old_name=client.primary_contact.name, new_name=new_name)


def assignment(client: Client, member: TeamMember, assignments: Iterable[Assignment],
               today: date, new_id: NewId) -> Assignment:
    """``member`` covers ``client`` from today; covering twice is refused."""
    if any(a.client_id == client.id and a.member_id == member.id for a in assignments):
        raise ValidationError("member", f"{member.name} already covers {client.name}")
    return Assignment(id=new_id("Assignment"), client_id=client.id, member_id=member.id,
                      since=today)


def leaving(member: TeamMember, assignments: Iterable[Assignment]) -> list[Assignment]:
    """What goes with a person taken off the team: their assignments (the clients they
    covered then show as thinly covered)."""
    return [a for a in assignments if a.member_id == member.id]
