"""The audit trail: who changed which record, when, and which fields, old -> new.

Each change set in the journal carries, beside the new records, the old values of the
fields it changed (``was``). When the journal is folded into the data file, its entries are
first appended to ``NAME.json.audit`` (JSON lines, fsynced, never rewritten), so the trail
outlives compaction; entries are numbered by the journal's sequence, and an entry already
in the trail is never added twice (a compaction cut short is simply redone). The trail is
the audit file followed by the journal's entries not yet folded in. Each backup keeps a
copy of the trail as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from storage.access import os_problem
from storage.codecs import encode
from storage.errors import StorageError
from storage.files import open_private

NOT_SHOWN = frozenset({"rev"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    seq: int
    at: str  # UTC, ISO 8601
    by: str  # the Unix login of the process that saved
    table: str
    record_id: str
    client_id: str
    op: str  # "create", "update", "delete" or "replace_all"
    changes: tuple[Change, ...] = ()


def audit_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".audit")


def was(before: Any | None, after: Any | None) -> dict[str, Any] | None:
    """What the journal keeps about the old record: the changed fields' old values (all of
    them for a delete), or None for a new record."""
    if before is None:
        return None
    old = encode(before)
    if after is None:
        return old
    new = encode(after)
    return {k: v for k, v in old.items() if new.get(k) != v and k not in NOT_SHOWN}


def client_of(table: str, record_id: str, doc: dict[str, Any]) -> str:
    """Whose record it is: a client's own id, its ``client_id``, or a snooze's item's client."""
    if table == "clients":
        return record_id
    if isinstance(doc.get("client_id"), str):
        return str(doc["client_id"])
    key = doc.get("item_key")
    return key.split(":", 1)[0] if isinstance(key, str) else ""


def entries_of(line: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A journal entry as audit lines, one per record it touched."""
    known = "was" in line  # journals written before the trail began do not say
    olds = line.get("was") or [None] * len(line["ops"])
    for (table, record_id, doc), old in zip(line["ops"], olds, strict=False):
        if doc is not None and not known:
            op, changes = "save", {k: [None, v] for k, v in doc.items()
                                   if k not in NOT_SHOWN and k != "id"}
            source = doc
        elif doc is None:
            op, changes = "delete", {k: [v, None] for k, v in (old or {}).items()
                                     if k not in NOT_SHOWN}
            source = old or {}
        elif old is None:  # a new record: the fields it was given (empty ones left out)
            op, changes = "create", {k: [None, v] for k, v in doc.items()
                                     if k not in NOT_SHOWN and k != "id"
                                     and v not in (None, "", [], {})}
            source = doc
        else:
            op, changes = "update", {k: [v, doc.get(k)] for k, v in old.items()}
            source = doc
        yield {"seq": line["seq"], "at": line.get("at", ""), "by": line.get("by", ""),
               "table": table, "id": record_id,
               "client_id": client_of(table, record_id, source), "op": op,
               "changes": changes}


def last_seq(path: Path) -> int:
    """The sequence number of the last entry in the audit file (0 if none)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536))
            tail = f.read()
    except FileNotFoundError:
        return 0
    for raw in reversed(tail.splitlines()):
        try:
            return int(orjson.loads(raw)["seq"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            continue  # a torn last line from a killed writer: the one before counts
    return 0


def append(path: Path, lines: Iterable[dict[str, Any]], mode: int) -> None:
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    if not data:
        return
    fd = open_private(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, mode)
    try:
        size = os.fstat(fd).st_size
        with open(path, "rb") as f:  # after a killed writer's torn line: start a new line
            f.seek(max(0, size - 1))
            if size and f.read(1) != b"\n":
                data = b"\n" + data
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def fold(path: Path, journal_lines: Iterable[dict[str, Any]], mode: int) -> None:
    """Append the journal's entries that are not in the audit file yet."""
    done = last_seq(path)
    append(path, (a for line in journal_lines if line["seq"] > done
                  for a in entries_of(line)), mode)


def _entry(doc: dict[str, Any]) -> AuditEntry:
    return AuditEntry(seq=int(doc["seq"]), at=str(doc["at"]), by=str(doc["by"]),
                      table=str(doc.get("table", "")), record_id=str(doc.get("id", "")),
                      client_id=str(doc.get("client_id", "")), op=str(doc["op"]),
                      changes=tuple(Change(field=k, old=v[0], new=v[1])
                                    for k, v in (doc.get("changes") or {}).items()))


def read(path: Path, pending: Iterable[dict[str, Any]], client_id: str | None = None,
         ) -> list[AuditEntry]:
    """The trail (optionally one client's), oldest first: the audit file, then the
    journal entries (``pending``) not yet folded into it."""
    out: list[AuditEntry] = []
    needle = client_id.encode() if client_id else b""
    done = 0
    try:
        with open(path, "rb") as f:
            for raw in f:
                if needle and needle not in raw and b'"replace_all"' not in raw:
                    continue  # cheap pre-filter before parsing
                try:
                    doc = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    continue  # a torn line left by a killed writer
                done = max(done, int(doc.get("seq", 0)))
                if client_id is None or doc.get("client_id") == client_id or (
                        doc.get("op") == "replace_all"):
                    out.append(_entry(doc))
    except FileNotFoundError:
        pass
    except OSError as e:
        raise StorageError(os_problem(e, path, "read")) from None
    done = max(done, last_seq(path))
    for line in pending:
        if line["seq"] > done:
            out += [_entry(a) for a in entries_of(line)
                    if client_id is None or a["client_id"] == client_id]
    return out


RECORD_WORDS = {
    "clients": "client", "members": "person", "assignments": "assignment",
    "scope_items": "scope item", "change_requests": "change request",
    "interactions": "interaction", "nps": "NPS response", "budget_changes": "budget change",
    "access_grants": "access grant", "contact_changes": "contact change",
    "sign_states": "warning sign", "snoozes": "snooze", "activities": "activity",
}
OP_WORDS = {"create": "added", "update": "changed", "delete": "removed", "save": "saved",
            "replace_all": "replaced everything"}


def _value(v: Any) -> str:
    text = orjson.dumps(v).decode() if not isinstance(v, str) else f'"{v}"'
    return text if len(text) <= 40 else text[:39] + "…"


#: How a contact is shown: its fields in this order (an empty one is left out).
CONTACT_FIELDS = ("name", "title", "email", "phone")
CONTACT_WORDS = {"primary_contact": "main contact", "contacts": "other contacts"}
#: Where the records of a "replace everything" came from, as the trail says it.
SOURCE_WORDS = {"demo": "loaded the demo agency", "import": "replaced all data (import)",
                "migrate": "copied in by migrate"}


def _contact(c: Any) -> str:
    """``Dana Reyes (CMO, dana@example.com)``."""
    if not isinstance(c, dict):
        return _value(c) if c else "(none)"
    rest = ", ".join(str(c[k]) for k in CONTACT_FIELDS[1:] if c.get(k))
    return f"{c.get('name') or '(no name)'}" + (f" ({rest})" if rest else "")


def _contact_change(old: Any, new: Any) -> str:
    """One contact before and after: the fields that differ, ``name: A -> B; title: …``."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return f"{_contact(old)} -> {_contact(new)}"
    return "; ".join(f"{k}: {old.get(k) or '(none)'} -> {new.get(k) or '(none)'}"
                     for k in CONTACT_FIELDS if (old.get(k) or "") != (new.get(k) or ""))


def _contacts_change(label: str, old: Any, new: Any) -> str:
    """A client's contacts before and after, as people read it: the main contact's fields,
    old -> new; other contacts added, removed or changed (never the stored JSON)."""
    if label == "primary_contact" or not (isinstance(old, list) and isinstance(new, list)):
        return f"{CONTACT_WORDS.get(label, label)}: {_contact_change(old, new)}"
    before = {c.get("id"): c for c in old if isinstance(c, dict)}
    after = {c.get("id"): c for c in new if isinstance(c, dict)}
    parts = [f"added {_contact(c)}" for k, c in after.items() if k not in before]
    parts += [f"removed {_contact(c)}" for k, c in before.items() if k not in after]
    parts += [f"{before[k].get('name') or '(no name)'}: {_contact_change(before[k], c)}"
              for k, c in after.items() if k in before and before[k] != c]
    return f"{CONTACT_WORDS[label]}: " + ", ".join(parts or ["reordered"])


def _created(label: str, value: Any) -> str:
    if label == "primary_contact":
        return f"main contact: {_contact(value)}"
    if label == "contacts" and isinstance(value, list):
        return "other contacts: " + ", ".join(_contact(c) for c in value)
    return f"{label}: {_value(value)}"


def _replaced(entry: AuditEntry) -> tuple[str, str]:
    """One entry for the whole agency replaced (it is in every client's trail): where the
    records came from, not a per-client "replaced everything"."""
    fields = {c.field: c.new for c in entry.changes}
    n = fields.get("records")
    every = f"{n} records, every client's" if isinstance(n, int) else "every client's records"
    if "restored" in fields:
        extra = "".join(f"; {k}: {fields[k]}" for k in ("replayed", "not replayed")
                        if k in fields)
        return "replaced all data (restore)", f"from {fields['restored']}: {every}{extra}"
    what = SOURCE_WORDS.get(str(fields.get("source", "")),
                            "replaced all data (demo, import or restore)")
    return what, every


def describe(entry: AuditEntry) -> tuple[str, str]:
    """``("changed client", 'name: "Acme" -> "Acme Co"; fee_cents: 500000 -> 600000')``."""
    if entry.op == "replace_all":
        return _replaced(entry)
    what = OP_WORDS.get(entry.op, entry.op)
    if entry.table:
        what += " " + RECORD_WORDS.get(entry.table, entry.table)
    shown = [c for c in entry.changes if c.field != "client_id"]
    if entry.op == "update":
        parts = [_contacts_change(c.field, c.old, c.new) if c.field in CONTACT_WORDS else
                 f"{c.field}: {_value(c.old)} -> {_value(c.new)}" for c in shown]
    elif entry.op in ("create", "save"):
        parts = [_created(c.field, c.new) for c in shown
                 if c.new not in (None, "", [], {}, False, 0)]
    elif entry.op == "delete":
        parts = [f"{c.field}: {_value(c.old)}" for c in shown
                 if c.old not in (None, "", [], {}, False, 0)]
    else:
        parts = [f"{c.field}: {_value(c.new)}" for c in shown]
    return what, "; ".join(parts)
