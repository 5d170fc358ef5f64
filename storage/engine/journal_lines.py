"""Reading the journal's lines: each a change set (its operations decoded) or what is
wrong with it. Used by the store to replay saves and by recovery to salvage a damaged
journal; it knows nothing of either."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from storage.codecs import DecodeError, decode_fast
from storage.engine.formats import JOURNAL_FORMAT
from storage.tables import TABLE_OF


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeSet:
    """One readable journal line: decoded operations, and the line as written (for the
    audit trail)."""

    seq: int
    by: str
    at: str
    ops: tuple[tuple[type, str, Any, int | None], ...]  # (type, id, record or None, old rev)
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Salvage:
    base_seq: int | None  # from the journal's header (None: the header is damaged)
    changes: tuple[ChangeSet, ...]
    problems: tuple[str, ...]


def salvage(raw: bytes, name: str) -> Salvage:
    """Every readable change set in a journal's bytes, and a line for each unreadable one."""
    end = raw.rfind(b"\n") + 1
    base_seq: int | None = None
    changes: list[ChangeSet] = []
    problems: list[str] = []
    offset = 0
    for n, line in enumerate(raw[:end].split(b"\n")[:-1]):
        at, offset = offset, offset + len(line) + 1
        if n == 0:
            header = _loads(line)
            if isinstance(header, dict) and header.get("journal") == JOURNAL_FORMAT:
                seq = header.get("base_seq", 0)
                base_seq = seq if isinstance(seq, int) else None
                continue
            problems.append(f"{name}: its header line is damaged")
        found = change_set(line)
        if isinstance(found, ChangeSet):
            changes.append(found)
        elif n:  # a damaged header was reported already
            problems.append(f"{name}: line {n + 1} (byte {at}) is damaged ({found}); "
                            "the change it held is lost")
    if end < len(raw):
        problems.append(f"{name}: an unfinished save at its end (never confirmed as saved) "
                        "was left out")
    return Salvage(base_seq=base_seq, changes=tuple(changes), problems=tuple(problems))


def _loads(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def change_set(line: bytes) -> ChangeSet | str:
    """A journal line as a change set, or what is wrong with it."""
    entry = _loads(line)
    if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int) or not (
            isinstance(entry.get("ops"), list)):
        return "not JSON" if entry is None else "not a saved change"
    was = entry.get("was")
    if not (isinstance(was, list) and len(was) == len(entry["ops"])
            and all(w is None or isinstance(w, dict) for w in was)):
        was = [None] * len(entry["ops"])
        entry = {k: v for k, v in entry.items() if k != "was"}  # the trail says "saved"
    ops = []
    for op, old in zip(entry["ops"], was, strict=True):
        if not (isinstance(op, list) and len(op) == 3 and op[0] in TABLE_OF
                and isinstance(op[1], str) and (op[2] is None or isinstance(op[2], dict))):
            return "a change to an unknown table or record"
        cls = TABLE_OF[op[0]]
        try:
            record = None if op[2] is None else decode_fast(cls, op[2])
        except DecodeError as e:
            return f"{op[0]} {op[1]}: {e}"
        old_rev = old.get("rev") if isinstance(old, dict) else None
        ops.append((cls, op[1], record, old_rev if isinstance(old_rev, int) else None))
    return ChangeSet(seq=entry["seq"], by=str(entry.get("by", "")), at=str(entry.get("at", "")),
                     ops=tuple(ops), raw=entry)
