"""Bringing another agency's records into ours: which to add, which clients already exist,
and an account of every record left out.

A client is a duplicate when its name (ignoring case and spacing) is already taken -- by a
client in the data, or by one earlier in the same import. The person chooses: *skip* a
duplicate with everything attached to it, or *merge* it: its records join the client that
has the name (that client's own fields stay as they are). Team members are matched by name
the same way and always merged. An interaction that the client already has (same day,
kind and note) is not doubled: each one in the data stands for one in the import. Every
added record gets a fresh id, and every reference to it follows, so nothing imported can
collide with or overwrite what is there.

Nothing vanishes unreported: every incoming record is either in :attr:`ImportPlan.records`
or in :attr:`ImportPlan.left_out`, with where it came from (FILE:LINE, from ``origins``)
and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from tracker.models import Agency, Client, Interaction, TeamMember

Duplicates = Literal["skip", "merge"]
TABLE_NAMES = tuple(f.name for f in fields(Agency))
_ONE = {"clients": "client", "members": "team member", "assignments": "assignment",
        "scope_items": "scope item", "change_requests": "change request",
        "interactions": "interaction", "nps": "NPS response", "budget_changes": "budget change",
        "access_grants": "access grant", "contact_changes": "contact change",
        "sign_states": "warning sign state", "snoozes": "snooze", "activities": "activity"}


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class LeftOut:
    """One incoming record that is not added as it is."""

    where: str  # FILE:LINE of its row (or, without one, its table and id)
    what: str  # "client 'Acme'", "email on 2026-11-01", "scope item scp_1"
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}: {self.why}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportPlan:
    records: tuple[Any, ...]  # to save, with fresh ids
    counts: dict[str, int]  # table -> records to add
    left_out: tuple[LeftOut, ...]  # in the order of the import


def describe(record: Any, table: str) -> str:
    if isinstance(record, Client | TeamMember):
        return f"{_ONE[table]} {record.name!r}"
    if isinstance(record, Interaction):
        return f"{record.kind.label} on {record.on.isoformat()}"
    return f"{_ONE.get(table, table)} {record.id}"


class _Plan:
    """The state of one planning pass (see :func:`plan_import`)."""

    def __init__(self, existing: Agency, origins: Mapping[str, str],
                 new_id: Callable[[str], str]) -> None:
        self.existing, self.origins, self.new_id = existing, origins, new_id
        self.ids: dict[str, str] = {}  # incoming id -> id in our data
        self.new_clients: set[str] = set()
        self.skipped: dict[str, str] = {}  # incoming client id -> its name
        self.names = {c.id: c.name for c in existing.clients}  # our id -> name
        self.left: list[LeftOut] = []

    def where(self, record: Any, table: str) -> str:
        return self.origins.get(record.id, f"{table} {record.id}")

    def leave(self, record: Any, table: str, why: str) -> None:
        self.left.append(LeftOut(where=self.where(record, table),
                                 what=describe(record, table), why=why))

    def clients(self, incoming: Agency, duplicates: Duplicates) -> None:
        taken: dict[str, tuple[Client, str]] = {}
        for c in self.existing.clients:  # of twins already in the data, the first holds it
            taken.setdefault(name_key(c.name), (c, "already in the data"))
        for c in incoming.clients:
            key = name_key(c.name)
            if key not in taken:
                self.ids[c.id] = self.new_id("Client")
                self.new_clients.add(c.id)
                self.names[self.ids[c.id]] = c.name
                taken[key] = (replace(c, id=self.ids[c.id]), self.where(c, "clients"))
                continue
            twin, at = taken[key]
            holder = f"{twin.name!r} ({at})"
            if duplicates == "merge":
                self.ids[c.id] = twin.id
                self.leave(c, "clients", f"merged into {holder}: its records join that "
                           "client, whose own details stay as they are")
            else:
                self.skipped[c.id] = c.name
                self.leave(c, "clients", f"skipped: the name is taken by {holder}; "
                           "--duplicates merge adds its records to that client")

    def members(self, incoming: Agency) -> set[str]:
        """Give the incoming team fresh ids; returns the ids of those already on the team."""
        people = {name_key(m.name): m for m in self.existing.members}
        there = set()
        for m in incoming.members:
            same = people.get(name_key(m.name))
            if same is None:
                self.ids[m.id] = self.new_id("TeamMember")
                continue
            self.ids[m.id] = same.id
            there.add(m.id)
            self.leave(m, "members", f"already on the team as {same.name!r}: what refers "
                       "to them refers to that member")
        return there

    def follow(self, value: str) -> str:
        """A reference, or a key that starts with a client id (``cli_x:...``)."""
        if value in self.ids:
            return self.ids[value]
        head, sep, rest = value.partition(":")
        return f"{self.ids[head]}{sep}{rest}" if sep and head in self.ids else value

    def moved(self, r: Any) -> Any:
        """``r`` with its fresh id and every reference followed."""
        changes: dict[str, Any] = {"id": self.ids[r.id], "rev": 0}
        for f in fields(r):
            value = getattr(r, f.name)
            if f.name.endswith("_id") and isinstance(value, str) and value:
                changes[f.name] = self.follow(value)
            elif f.name.endswith("_ids") and isinstance(value, tuple):
                changes[f.name] = tuple(self.follow(v) for v in value)
            elif f.name in ("item_key", "sign_key") and isinstance(value, str):
                changes[f.name] = self.follow(value)
        return replace(r, **changes)


def _owner(r: Any) -> str | None:
    owner = r.id if isinstance(r, Client) else getattr(r, "client_id", None)
    if owner is None and hasattr(r, "item_key"):
        owner = r.item_key.partition(":")[0]
    return owner


def plan_import(existing: Agency, incoming: Agency, duplicates: Duplicates,
                new_id: Callable[[str], str], origins: Mapping[str, str] | None = None,
                ) -> ImportPlan:
    """What to add of ``incoming``; ``origins`` names where each incoming record came from
    (by its incoming id), for the account of what is left out."""
    plan = _Plan(existing, origins or {}, new_id)
    plan.clients(incoming, duplicates)
    on_team = plan.members(incoming)
    for table in TABLE_NAMES:
        if table not in ("clients", "members"):
            for r in getattr(incoming, table):
                plan.ids[r.id] = new_id(type(r).__name__)
    # each interaction already in the data stands for one incoming: two alike stay two
    there = Counter((i.client_id, i.kind, i.on, i.notes) for i in existing.interactions)
    records: list[Any] = []
    counts: dict[str, int] = {}
    for table in TABLE_NAMES:
        for r in getattr(incoming, table):
            if (isinstance(r, Client) and r.id not in plan.new_clients) or r.id in on_team:
                continue  # skipped or merged, and said so
            owner = _owner(r)
            if owner in plan.skipped:
                plan.leave(r, table, f"left out with its client {plan.skipped[owner]!r} "
                           f"({plan.origins.get(owner, owner)}), which was skipped")
                continue
            record = plan.moved(r)
            if isinstance(record, Interaction):
                said = (record.client_id, record.kind, record.on, record.notes)
                if there[said] > 0:
                    there[said] -= 1
                    plan.leave(r, table, f"already there: "
                               f"{plan.names.get(record.client_id, record.client_id)!r} has "
                               "the same kind of contact that day with the same note")
                    continue
            records.append(record)
            counts[table] = counts.get(table, 0) + 1
    return ImportPlan(records=tuple(records), counts=counts, left_out=tuple(plan.left))
