"""Who took part in a call or meeting: ours and theirs, by name, as the person records it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.kinds import CALL_KINDS as CALL_KINDS

if TYPE_CHECKING:
    from tracker.models import Agency, Client, Interaction

MAX_NAMES = 30
MAX_NAME = 80


class NamesError(ValueError):
    pass


def parse_names(text: str) -> tuple[str, ...]:
    """``"Priya Shah, Ben Okafor"`` -> the names, in order, each once (case-insensitive)."""
    names: list[str] = []
    for part in text.replace("\n", ",").split(","):
        name = " ".join(part.split())
        if not name or name.casefold() in (n.casefold() for n in names):
            continue
        if len(name) > MAX_NAME:
            raise NamesError(f"a name is at most {MAX_NAME} characters: {name[:20]}…")
        names.append(name)
    if len(names) > MAX_NAMES:
        raise NamesError(f"at most {MAX_NAMES} names")
    return tuple(names)


def usual_attendees(agency: Agency, client: Client) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who usually takes part: the people covering the client, and its main contact."""
    members = {m.id: m.name for m in agency.members}
    ours = tuple(dict.fromkeys(members[a.member_id] for a in agency.assignments
                               if a.client_id == client.id and a.member_id in members))
    theirs = (client.primary_contact.name,) if client.primary_contact else ()
    return ours, theirs


def calls_of(agency: Agency, client: Client) -> list[Interaction]:
    """The client's calls and meetings, oldest first (those of one day in the order they
    were logged)."""
    return sorted((i for i in agency.interactions
                   if i.client_id == client.id and i.kind in CALL_KINDS),
                  key=lambda i: i.on)
