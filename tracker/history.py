"""Per-client view of the agency's logs, built once so rules stay linear in the data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol, TypeVar

from tracker.models import (
    AccessGrant,
    Activity,
    Agency,
    Assignment,
    BudgetChange,
    ChangeRequest,
    Client,
    ContactChange,
    Interaction,
    NpsResponse,
    ScopeItem,
    SignState,
)


class _ClientOwned(Protocol):
    @property
    def client_id(self) -> str: ...


class _Dated(_ClientOwned, Protocol):
    @property
    def on(self) -> date: ...

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_ClientOwned)
D = TypeVar("D", bound=_Dated)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientHistory:
    """One client's records; every log is sorted oldest first (by date, then the order in
    which they were logged)."""

    client: Client
    interactions: tuple[Interaction, ...] = ()
    nps: tuple[NpsResponse, ...] = ()
    budget_changes: tuple[BudgetChange, ...] = ()
    access_grants: tuple[AccessGrant, ...] = ()
    contact_changes: tuple[ContactChange, ...] = ()
    change_requests: tuple[ChangeRequest, ...] = ()
    scope_items: tuple[ScopeItem, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    sign_states: tuple[SignState, ...] = ()
    activities: tuple[Activity, ...] = ()


def _group(records: Iterable[T]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for record in records:
        groups[record.client_id].append(record)
    return groups


def _dated(records: list[D] | None) -> tuple[D, ...]:
    if not records:
        return ()
    # by date; the records of one day stay in the order they were logged (the order the
    # agency's records come in: storage keeps it), so "the latest call" of a day is the last
    return tuple(sorted(records, key=lambda r: r.on))


def histories(agency: Agency) -> dict[str, ClientHistory]:
    """Group every log by client id; clients keep the agency's order."""
    inter = _group(agency.interactions)
    nps = _group(agency.nps)
    budget = _group(agency.budget_changes)
    access = _group(agency.access_grants)
    contacts = _group(agency.contact_changes)
    crs = _group(agency.change_requests)
    scope = _group(agency.scope_items)
    assign = _group(agency.assignments)
    states = _group(agency.sign_states)
    acts = _group(agency.activities)
    return {
        c.id: ClientHistory(
            client=c,
            interactions=_dated(inter.get(c.id)),
            nps=_dated(nps.get(c.id)),
            budget_changes=_dated(budget.get(c.id)),
            access_grants=_dated(access.get(c.id)),
            contact_changes=_dated(contacts.get(c.id)),
            change_requests=tuple(
                sorted(crs.get(c.id, ()), key=lambda r: (r.requested_on, r.id))
            ),
            scope_items=tuple(scope.get(c.id, ())),
            assignments=tuple(assign.get(c.id, ())),
            sign_states=tuple(states.get(c.id, ())),
            activities=_dated(acts.get(c.id)),
        )
        for c in agency.clients
    }


def with_client(roster: Agency, mine: Agency, client_id: str) -> Agency:
    """``roster`` (every client, member and assignment) with one client's records ``mine``
    (read later, so that client and its assignments are taken from ``mine``): all an
    assessment or a document of that client reads, without everyone's history."""
    client = next((c for c in mine.clients if c.id == client_id), None)
    clients = tuple(c for c in roster.clients if c.id != client_id)
    if client is not None:
        at = next((n for n, c in enumerate(roster.clients) if c.id == client_id), len(clients))
        clients = (*clients[:at], client, *clients[at:])  # in the agency's order
    return replace(mine, clients=clients, members=roster.members, assignments=(
        *(a for a in roster.assignments if a.client_id != client_id), *mine.assignments))
