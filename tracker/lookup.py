"""Finding a client from what a person typed: an id, a name, or a unique part of a name."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.models import Client


class ClientNotFound(LookupError):
    """No client, or more than one, matches."""


def resolve_client(clients: Iterable[Client], text: str) -> Client:
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
