"""Three-way merge of one record: what I changed goes on top of what is stored now.

Two people start from the same version of a record (the *base*); one saves (*theirs*), then
the other (*mine*). Field by field: a field only I changed takes my value, a field only
they changed keeps theirs, a field we both set to the same value is simply that value. Only
a field we both changed, differently, is a clash: the merged record keeps theirs there
until the person chooses (:func:`settle`). Nested records (a client's cadence) are merged
field by field too, so my call frequency and their visit window both survive (as long as
both sides still mean the same nested thing: two different new main contacts clash).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tracker.models import Client

R = TypeVar("R")
#: Storage bookkeeping, never merged: the result carries the stored version's revision.
NOT_MERGED = frozenset({"rev"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Clash:
    """A field both sides changed, differently. ``path`` is dotted for nested records."""

    path: str
    base: Any
    mine: Any
    theirs: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Merged(Generic[R]):
    record: R  # theirs with every change of mine that clashes with nothing
    clashes: tuple[Clash, ...] = ()
    mine: tuple[str, ...] = ()  # the paths where my change was applied
    theirs: tuple[str, ...] = ()  # the paths they changed that I did not touch
    versions: tuple[R, ...] = ()  # base, mine, theirs: what settle() keeps whole


def _merge(base: Any, mine: Any, theirs: Any, prefix: str,
           clashes: list[Clash], applied: list[str], kept: list[str]) -> Any:
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(theirs):
        if f.name in NOT_MERGED:
            continue
        b, m, t = (getattr(x, f.name) for x in (base, mine, theirs))
        path = prefix + f.name
        if m in (b, t):
            if t != b and m == b:
                kept.append(path)
            continue  # I left it alone, or we agree: theirs stands
        if t == b:
            changes[f.name] = m  # only I changed it
            applied.append(path)
        elif (dataclasses.is_dataclass(b) and type(b) is type(m) is type(t)
              and not isinstance(b, type)
              and getattr(b, "id", None) == getattr(m, "id", None) == getattr(t, "id", None)):
            # one nested thing edited by both (a cadence, the same contact): field by field;
            # two different things (a new main contact each) are a clash as a whole
            changes[f.name] = _merge(b, m, t, path + ".", clashes, applied, kept)
        else:
            clashes.append(Clash(path=path, base=b, mine=m, theirs=t))
    return dataclasses.replace(theirs, **changes) if changes else theirs


def merge(base: R, mine: R, theirs: R) -> Merged[R]:
    """Merge ``mine`` and ``theirs``, both edited from ``base`` (records of one type)."""
    if not type(base) is type(mine) is type(theirs):
        raise TypeError("merge needs three versions of one kind of record")
    clashes: list[Clash] = []
    applied: list[str] = []
    kept: list[str] = []
    record = _merge(base, mine, theirs, "", clashes, applied, kept)
    return Merged(record=_keep_every_contact(record, (base, mine, theirs)),
                  clashes=tuple(clashes), mine=tuple(applied), theirs=tuple(kept),
                  versions=(base, mine, theirs))


def _set(record: Any, path: list[str], value: Any) -> Any:
    head, *rest = path
    inner = _set(getattr(record, head), rest, value) if rest else value
    return dataclasses.replace(record, **{head: inner})


def settle(merged: Merged[R], keep_mine: Collection[str]) -> R:
    """The merged record with the person's choice for each clash: mine where its path is in
    ``keep_mine``, theirs elsewhere."""
    unknown = set(keep_mine) - {c.path for c in merged.clashes}
    if unknown:
        raise KeyError(f"not a clash: {', '.join(sorted(unknown))}")
    record = merged.record
    for clash in merged.clashes:
        if clash.path in keep_mine:
            record = _set(record, clash.path.split("."), clash.mine)
    return _keep_every_contact(record, merged.versions)


def _keep_every_contact(record: R, versions: tuple[R, ...]) -> R:
    """No person is lost by a merge: whoever was a client's main contact or among its other
    contacts in any version stays — the main contact once, everyone else in the list once
    (one side's new main contact and the other's corrected one both survive)."""
    if not isinstance(record, Client):
        return record
    clients = [v for v in versions if isinstance(v, Client)]
    primary = record.primary_contact
    seen = {primary.id} if primary is not None else set()
    others = []
    for c in (*record.contacts, *(v.primary_contact for v in clients),
              *(c for v in clients for c in v.contacts)):
        if c is not None and c.id not in seen:
            seen.add(c.id)
            others.append(c)
    kept: R = dataclasses.replace(record, contacts=tuple(others))
    return kept
