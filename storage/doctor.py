"""``scopekeeper doctor``: check the data file, its journal and backups; change nothing."""

from __future__ import annotations

import stat
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from storage import backups
from storage.codecs import DecodeError, dates_out_of_range, decode_fast
from storage.database import JOURNAL_FORMAT, SCHEMA_VERSION, check_base, load_records
from storage.errors import StorageError
from storage.files import orphan_temp_files
from storage.tables import TABLE_OF, TABLES


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # "ok", "warning" or "error"
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def _far_dates(cls: type, record_id: str, doc: Any, where: str) -> list[Finding]:
    """A date outside the range is read as the nearest day in it (so that the review still
    works for everyone); say which record has one, and how to correct it."""
    from tracker.dates import EARLIEST, LATEST

    far = dates_out_of_range(cls, doc)
    if isinstance(doc, dict) and isinstance(doc.get("id"), str):
        record_id = doc["id"]  # the id people see (the file's key may be TinyDB's own)
    return [Finding("warning", f"{where}{TABLES[cls]} {record_id}: {', '.join(far)} is "
                    f"outside {EARLIEST}..{LATEST} and is read as the nearest day in it; "
                    "correct the date in the app (or delete the record)")] if far else []


def _journal(path: Path, base_seq: int, records: dict[type, dict[str, Any]]) -> list[Finding]:
    if not path.exists():
        return [Finding("ok", "no journal (every change is in the data file)")]
    raw = path.read_bytes()
    end = raw.rfind(b"\n") + 1
    lines = raw[:end].splitlines()
    found: list[Finding] = []
    if end < len(raw):
        found.append(Finding("warning", f"{path.name}: an unfinished save from a killed "
                             f"process ({len(raw) - end} bytes) will be trimmed by the next "
                             "save; the save it held had not been confirmed"))
    if not lines:
        return [*found, Finding("error", f"{path.name}: empty journal (no header)")]
    try:
        header = orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("journal") != JOURNAL_FORMAT:
        return [*found, Finding("error", f"{path.name}: not a scopekeeper journal")]
    last, applied, offset = header.get("base_seq", 0), 0, len(lines[0]) + 1
    far: list[Finding] = []
    for line in lines[1:]:
        try:
            entry = orjson.loads(line)
            seq = entry["seq"]
            if seq <= last:
                raise ValueError(f"sequence {seq} after {last}")
            for table, record_id, doc in entry["ops"]:
                cls = TABLE_OF[table]
                if doc is None:
                    records[cls].pop(record_id, None)
                else:
                    records[cls][record_id] = decode_fast(cls, doc)
                    far += _far_dates(cls, record_id, doc, f"{path.name}: entry {seq}: ")
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, DecodeError) as e:
            found.append(Finding("error", f"{path.name}: damaged entry at byte {offset}: {e}"))
            return found
        last, offset = seq, offset + len(line) + 1
        applied += seq > base_seq
    found.append(Finding("ok", f"{path.name}: {len(lines) - 1} saved changes not yet "
                         f"compacted ({applied} newer than the data file)"))
    return found + far


def _references(records: dict[type, dict[str, Any]]) -> list[Finding]:
    from tracker.models import Client, TeamMember

    clients = set(records[Client])
    members = set(records[TeamMember])
    found = []
    for cls, table in records.items():
        if cls is Client:
            continue
        missing = [r.id for r in table.values()
                   if getattr(r, "client_id", None) and r.client_id not in clients]
        if missing:
            found.append(Finding("warning", f"{TABLES[cls]}: {len(missing)} record(s) refer to "
                                 f"a client that does not exist (e.g. {missing[0]})"))
        orphans = [r.id for r in table.values()
                   if getattr(r, "member_id", None) and r.member_id not in members]
        if orphans:
            found.append(Finding("warning", f"{TABLES[cls]}: {len(orphans)} record(s) refer to "
                                 f"a team member that does not exist (e.g. {orphans[0]})"))
    return found


def _modes(path: Path) -> list[Finding]:
    found = []
    siblings = [path, path.with_name(path.name + ".journal"), path.with_name(path.name + ".lock")]
    for p in siblings:
        if p.is_symlink():
            found.append(Finding("error", f"{p.name}: is a symbolic link"))
        elif p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o007:
            found.append(Finding("warning", f"{p.name}: readable by everyone (mode "
                                 f"{stat.S_IMODE(p.stat().st_mode):04o}); chmod o-rwx"))
    return found


def diagnose(path: Path) -> list[Finding]:
    """Everything doctor checks, as findings; reads only."""
    if not path.exists():
        if path.with_name(path.name + ".journal").exists():
            return [Finding("error", f"{path}: missing, but its journal exists; restore a "
                            "backup")]
        return [Finding("ok", f"{path}: no data yet")]
    try:
        raw = path.read_bytes()
        meta, decoded = load_records(path, raw)
    except (StorageError, OSError) as e:
        return [Finding("error", str(e))]
    found = [Finding("ok", f"{path.name}: schema {meta['schema']}"
                     f"{' (will be migrated on next open)' if meta['schema'] < SCHEMA_VERSION else ''}"
                     f", {sum(len(v) for v in decoded.values())} records")]
    records: dict[type, dict[str, Any]] = {}
    for cls, items in decoded.items():
        counts = Counter(r.id for r in items)
        dupes = [i for i, n in counts.items() if n > 1]
        if dupes:
            found.append(Finding("error", f"{TABLES[cls]}: id {dupes[0]!r} is used by "
                                 f"{counts[dupes[0]]} records"))
        records[cls] = {r.id: r for r in items}
    base = check_base(path, raw)
    for cls, name in TABLES.items():
        for record_id, doc in base.get(name, {}).items():
            found += _far_dates(cls, record_id, doc, "")
    found += _journal(path.with_name(path.name + ".journal"), meta.get("seq", 0), records)
    found += _references(records)
    found += _modes(path)
    orphans = orphan_temp_files(path)
    if orphans:
        found.append(Finding("warning", f"{len(orphans)} temporary file(s) left by a killed "
                             "writer; the next save removes them"))
    found += _backups(path)
    return found


def _backups(path: Path) -> list[Finding]:
    kept = backups.listing(path)
    if not kept:
        return [Finding("warning", "no backups yet (one is kept at every compaction)")]
    bad = []
    for p in kept:
        try:
            check_base(p, p.read_bytes())
        except StorageError:
            bad.append(p.name)
    newest = backups.taken_at(kept[-1], path) or datetime.fromtimestamp(
        kept[-1].stat().st_mtime, UTC)
    found = [Finding("ok", f"{len(kept)} backup(s), newest {newest:%Y-%m-%d %H:%M} UTC "
                     f"({kept[-1].name})")]
    if bad:
        found.append(Finding("error", f"unreadable backup(s): {', '.join(bad)}"))
    return found
