"""Finding a client from what a person typed: an id, a name, or a unique part of a name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from tracker.models import Client, ClientStatus, TeamMember


class ClientNotFound(LookupError):
    """No client, or more than one, matches."""


class Named(Protocol):
    """What finding a client by what a person typed looks at: a client, or its name alone."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ClientName:
    """A client's id and name, without the rest: what a backend that would have to decode
    every client to list them gives for finding one (``Storage.client_names``)."""

    id: str
    name: str


N = TypeVar("N", bound=Named)


def resolve_client(clients: Iterable[N], text: str) -> N:
    """Exact id, then exact name (ignoring case), then a unique name containing ``text``."""
    wanted = text.strip()
    if not wanted:
        raise ClientNotFound("no client given")
    pool = tuple(clients)
    for c in pool:
        if c.id == wanted:
            return c
    folded = wanted.casefold()
    exact = [c for c in pool if c.name.casefold() == folded]
    if len(exact) == 1:
        return exact[0]
    matches = exact or [c for c in pool if folded in c.name.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ClientNotFound(f"no client matches {wanted!r}")
    names = ", ".join(sorted(f"{c.name} ({c.id})" for c in matches)[:5])
    more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
    raise ClientNotFound(f"{wanted!r} matches {len(matches)} clients: {names}{more}; "
                       "use more of the name or the id")


def name_key(name: str) -> str:
    """A name as people tell names apart: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def twin_of(clients: Iterable[Client], client: Client) -> Client | None:
    """Another client (not churned) whose name differs from ``client``'s only in case or
    spacing: two such clients could not be told apart by name, so one is refused."""
    if client.status is ClientStatus.CHURNED:
        return None
    key = name_key(client.name)
    return next((c for c in clients if c.id != client.id and c.status is not ClientStatus.CHURNED
                 and name_key(c.name) == key), None)


def member_twin(members: Iterable[TeamMember], member: TeamMember) -> str:
    """Why ``member`` cannot join ``members`` as it is ('' if it can): another person with
    the same name (but for case or spacing) or the same login could not be told apart by
    ``review --for``."""
    key = name_key(member.name)
    for m in members:
        if m.id == member.id:
            continue
        if name_key(m.name) == key:
            return f"{m.name!r} is already on the team: give a name that tells them apart"
        if member.login and m.login == member.login:
            return f"{m.name} already has the login {m.login!r}"
    return ""
