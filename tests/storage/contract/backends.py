"""The backends the contract suite runs against, by name, for the tests and their worker
processes alike: the TinyDB engine (a data file's path) and PostgreSQL (a database URL)."""

from __future__ import annotations

from storage.contract import Storage
from storage.postgres.store import PgStore
from storage.repositories import Store
from tests.factories import TODAY
from tracker.review import ClientAssessment

#: Every backend the contract holds for.
BACKENDS = ("tinydb", "postgresql")


def open_backend(kind: str, location: str, login: str) -> Storage:
    """The storage at ``location`` as ``login`` sees it: a second call is a second instance
    (as a second person's process would have), sharing nothing in memory with the first."""
    if kind == "tinydb":
        return Store(location, author=login, clock=lambda: TODAY)
    if kind == "postgresql":
        return PgStore(location, author=login)
    raise ValueError(f"no backend {kind!r}")


def shown(a: ClientAssessment) -> tuple[object, ...]:
    """What the client list, the team page and the review show of a client's assessment
    (all a summary snapshot keeps of it: not the history)."""
    return (a.client, a.cadences, a.signs, a.health, a.contacts, a.scores,
            a.history.assignments)
