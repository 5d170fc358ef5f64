"""Bringing another agency's records into ours: which to add, which clients already exist.

A client is a duplicate when its name (ignoring case and spacing) is already taken. The
person chooses: *skip* a duplicate with everything attached to it, or *merge* it: its
records join the existing client (the existing client's own fields stay as they are).
Team members are matched by name the same way and always merged. Every added record gets
a fresh id, and every reference to it follows, so nothing imported can collide with or
overwrite what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

from tracker.models import Agency, Client, Interaction

Duplicates = Literal["skip", "merge"]
TABLE_NAMES = tuple(f.name for f in fields(Agency))


def name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportPlan:
    records: tuple[Any, ...]  # to save, with fresh ids
    added: tuple[str, ...]  # client names added
    skipped: tuple[str, ...]  # duplicate client names left out (skip)
    merged: tuple[str, ...]  # duplicate client names whose records were added (merge)
    counts: dict[str, int]  # table -> records to add
    already_there: int = 0  # interactions of merged clients that were there already


def plan_import(existing: Agency, incoming: Agency, duplicates: Duplicates,
                new_id: Callable[[str], str]) -> ImportPlan:
    ours = {name_key(c.name): c for c in existing.clients}
    ids: dict[str, str] = {}  # incoming id -> id in our data
    skip_clients: set[str] = set()
    new_clients: set[str] = set()
    added, skipped, merged = [], [], []
    for c in incoming.clients:
        key = name_key(c.name)
        twin = ours.get(key)
        if twin is None:
            ids[c.id] = new_id("Client")
            new_clients.add(c.id)
            added.append(c.name)
            ours[key] = replace(c, id=ids[c.id])  # a second one of this name is a duplicate
        elif duplicates == "merge":
            ids[c.id] = twin.id
            merged.append(c.name)
        else:
            skip_clients.add(c.id)
            skipped.append(c.name)
    people = {name_key(m.name): m for m in existing.members}
    for m in incoming.members:
        same = people.get(name_key(m.name))
        ids[m.id] = same.id if same is not None else new_id("TeamMember")
    for table in TABLE_NAMES:
        if table in ("clients", "members"):
            continue
        for r in getattr(incoming, table):
            ids[r.id] = new_id(type(r).__name__)

    def follow(value: str) -> str:
        """A reference, or a key that starts with a client id (``cli_x:...``)."""
        if value in ids:
            return ids[value]
        head, sep, rest = value.partition(":")
        return f"{ids[head]}{sep}{rest}" if sep and head in ids else value

    # an interaction the merged client already has (same day, kind and note) is not doubled
    seen = {(i.client_id, i.kind, i.on, i.notes) for i in existing.interactions}
    records: list[Any] = []
    counts: dict[str, int] = {}
    already = 0
    for table in TABLE_NAMES:
        for r in getattr(incoming, table):
            owner = r.id if isinstance(r, Client) else getattr(r, "client_id", None)
            if owner is None and hasattr(r, "item_key"):
                owner = r.item_key.partition(":")[0]
            if owner in skip_clients:
                continue
            if isinstance(r, Client) and r.id not in new_clients:
                continue  # merged into an existing client: that one stays as it is
            if table == "members" and ids[r.id] in {m.id for m in existing.members}:
                continue  # the same person is already on the team
            changes: dict[str, Any] = {"id": ids[r.id], "rev": 0}
            for f in fields(r):
                value = getattr(r, f.name)
                if f.name.endswith("_id") and isinstance(value, str) and value:
                    changes[f.name] = follow(value)
                elif f.name.endswith("_ids") and isinstance(value, tuple):
                    changes[f.name] = tuple(follow(v) for v in value)
                elif f.name in ("item_key", "sign_key") and isinstance(value, str):
                    changes[f.name] = follow(value)
            record = replace(r, **changes)
            if isinstance(record, Interaction):
                said = (record.client_id, record.kind, record.on, record.notes)
                if said in seen:
                    already += 1
                    continue
                seen.add(said)
            records.append(record)
            counts[table] = counts.get(table, 0) + 1
    return ImportPlan(records=tuple(records), added=tuple(added), skipped=tuple(skipped),
                      merged=tuple(merged), counts=counts, already_there=already)
