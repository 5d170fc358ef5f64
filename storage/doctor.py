"""``scopekeeper doctor``: check the data file, its journal and backups; change nothing.

Every finding that needs doing something says the exact command that does it (``fix``):
``scopekeeper restore latest --db PATH`` for damage (a restore keeps the damaged files and
replays the journal's good entries), ``scopekeeper compact --db PATH`` for what a
compaction tidies (a torn last line, leftover temp files, a missing backup), a shell
command for a file's mode or a planted link.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from storage import backups
from storage.access import check_reachable, denial
from storage.codecs import DecodeError, dates_out_of_range, decode_fast
from storage.engine.formats import (
    JOURNAL_FORMAT,
    SCHEMA_VERSION,
    NewerSchema,
    check_base,
    load_records,
)
from storage.errors import StorageError
from storage.files import journal_of, lock_of, orphan_temp_files, read_regular
from storage.tables import TABLE_OF, TABLES
from tracker.labels import count


@dataclass(frozen=True, slots=True)
class Finding:
    level: str  # "ok", "warning" or "error"
    message: str
    fix: str = ""  # the command that repairs it ("" when there is nothing to do)

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
                    f"outside {EARLIEST}..{LATEST} and is read as the nearest day in it",
                    "correct the date in the app (Enter on the entry in the client's "
                    "Timeline), or delete the record")] if far else []


def command(verb: str, data_file: Path) -> str:
    """``scopekeeper VERB --db PATH``, ready to paste into a shell."""
    return f"scopekeeper {verb} --db {shlex.quote(str(data_file.absolute()))}"


def _q(path: Path) -> str:
    return shlex.quote(str(path.absolute()))


def _restore_fix(path: Path) -> str:
    """``restore latest`` if a backup can be read, else a restore from a copy elsewhere."""
    try:
        kept_all = backups.listing(path)
    except StorageError:
        kept_all = []
    for kept in reversed(kept_all):
        try:
            check_base(kept, backups.read(kept))
            return command("restore latest", path)
        except StorageError:
            continue
    return command("restore FILE", path) + "  (no backup here can be read: FILE is a copy " \
        "of the data file kept elsewhere)"


def _journal(path: Path, data_file: Path, base_seq: int,
             records: dict[type, dict[str, Any]]) -> list[Finding]:
    if not path.exists():
        return [Finding("ok", "no journal (every change is in the data file)")]
    try:
        raw = read_regular(path)
    except PermissionError:  # not damage: a restore would not help
        return [_denied(path, "read")]
    except (OSError, StorageError) as e:
        return [Finding("error", f"{path.name}: {getattr(e, 'strerror', None) or e}",
                        _restore_fix(data_file))]
    end = raw.rfind(b"\n") + 1
    lines = raw[:end].split(b"\n")[:-1]
    found: list[Finding] = []
    if end < len(raw):
        found.append(Finding("warning", f"{path.name}: an unfinished save from a killed "
                             f"process ({len(raw) - end} bytes) will be trimmed by the next "
                             "save; the save it held had not been confirmed",
                             command("compact", data_file)))
    if not lines:
        return [*found, Finding("error", f"{path.name}: empty journal (no header): the saves "
                                "it held since the last compaction are gone",
                                command("compact", data_file))]
    try:
        header = orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("journal") != JOURNAL_FORMAT:
        return [*found, Finding("error", f"{path.name}: not a scopekeeper journal (its header "
                                "is damaged)", _restore_fix(data_file))]
    if isinstance(header.get("base_seq"), int) and header["base_seq"] > base_seq:
        return [*found, Finding("error", f"{path.name}: newer than its data file (it follows "
                                f"change {header['base_seq']}, the data file holds up to "
                                f"{base_seq})", _restore_fix(data_file))]
    return found + _entries(path, data_file, lines, header.get("base_seq", 0), base_seq,
                            records)


def _entries(path: Path, data_file: Path, lines: list[bytes], last: int, base_seq: int,
             records: dict[type, dict[str, Any]]) -> list[Finding]:
    applied, offset = 0, len(lines[0]) + 1
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
            return [Finding("error", f"{path.name}: damaged entry at byte {offset}: {e}",
                            _restore_fix(data_file))]
        last, offset = seq, offset + len(line) + 1
        applied += seq > base_seq
    return [Finding("ok", f"{path.name}: {len(lines) - 1} saved changes not yet compacted "
                    f"({applied} newer than the data file)"), *far]


def _references(path: Path, records: dict[type, dict[str, Any]]) -> list[Finding]:
    from tracker.models import Client, TeamMember

    clients = set(records[Client])
    members = set(records[TeamMember])
    fix = (command("restore BACKUP", path) + "  (no command repairs this in place; a backup "
           "that still has it brings it back)")
    found = []
    for cls, table in records.items():
        if cls is Client:
            continue
        missing = [r.id for r in table.values()
                   if getattr(r, "client_id", None) and r.client_id not in clients]
        if missing:
            found.append(Finding("warning", f"{TABLES[cls]}: {len(missing)} record(s) refer to "
                                 f"a client that does not exist (e.g. {missing[0]})", fix))
        orphans = [r.id for r in table.values()
                   if getattr(r, "member_id", None) and r.member_id not in members]
        if orphans:
            found.append(Finding("warning", f"{TABLES[cls]}: {len(orphans)} record(s) refer to "
                                 f"a team member that does not exist (e.g. {orphans[0]})", fix))
    return found


def _modes(path: Path) -> list[Finding]:
    found = []
    for p in (path, journal_of(path), lock_of(path)):
        if p.is_symlink():
            fix = f"rm -- {_q(p)}  (it is made again at the next save)" if p == lock_of(
                path) else f"cp --remove-destination -- {_q(Path(os.path.realpath(p)))} {_q(p)}"
            found.append(Finding("error", f"{p.name}: is a symbolic link", fix))
        elif p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o007:
            found.append(Finding("warning", f"{p.name}: readable by everyone (mode "
                                 f"{stat.S_IMODE(p.stat().st_mode):04o})",
                                 f"chmod o-rwx -- {_q(p)}"))
    return found


def _data(path: Path) -> tuple[list[Finding], dict[str, Any], dict[type, list[Any]]]:
    """The data file's findings, its meta document and records ({} if unusable)."""
    try:
        meta, decoded = load_records(path, read_regular(path))
    except NewerSchema as e:
        return [Finding("error", str(e), "install the newer scopekeeper that wrote it "
                        "(docs/shared-server.md, section 1)")], {}, {}
    except StorageError as e:
        return [Finding("error", str(e), _restore_fix(path))], {}, {}
    except PermissionError:
        return [_denied(path, "read")], {}, {}
    except OSError as e:
        return [Finding("error", f"{path}: cannot read: {e.strerror or e}",
                        _restore_fix(path))], {}, {}
    migrate = " (will be migrated on next open)" if meta["schema"] < SCHEMA_VERSION else ""
    return [Finding("ok", f"{path.name}: schema {meta['schema']}{migrate}, "
                    f"{count(sum(len(v) for v in decoded.values()), 'record')}")], meta, decoded


def _denied(path: Path, verb: str) -> Finding:
    """Not damage: this person may not read a file (or enter its folder); whom to ask."""
    problem, remedy = denial(path, verb)
    return Finding("error", problem, remedy)


def diagnose(path: Path) -> list[Finding]:
    """Everything doctor checks, as findings; reads only."""
    try:
        check_reachable(path)
    except StorageError:
        return [_denied(path, "read")]
    if not path.exists() and not path.is_symlink():
        if journal_of(path).exists():
            return [Finding("error", f"{path}: missing, but its journal exists",
                            _restore_fix(path)), *_backups(path)]
        return [Finding("ok", f"{path}: no data yet")]
    found, meta, decoded = _data(path)
    if not meta:
        return [*found, *_backups(path)]
    records: dict[type, dict[str, Any]] = {}
    for cls, items in decoded.items():
        counts = Counter(r.id for r in items)
        dupes = [i for i, n in counts.items() if n > 1]
        if dupes:
            found.append(Finding("error", f"{TABLES[cls]}: id {dupes[0]!r} is used by "
                                 f"{counts[dupes[0]]} records (the app shows the last)",
                                 command("compact", path) + "  (keeps the one the app shows)"))
        records[cls] = {r.id: r for r in items}
    base = check_base(path, read_regular(path))
    for cls, name in TABLES.items():
        for record_id, doc in base.get(name, {}).items():
            found += _far_dates(cls, record_id, doc, "")
    seq = meta.get("seq", 0)
    found += _journal(journal_of(path), path, seq if isinstance(seq, int) else 0, records)
    found += _references(path, records)
    found += _modes(path)
    orphans = orphan_temp_files(path)
    if orphans:
        found.append(Finding("warning", f"{len(orphans)} temporary file(s) left by a killed "
                             "writer; the next save removes them", command("compact", path)))
    return found + _backups(path)


def _backups(path: Path) -> list[Finding]:
    problem = backups.folder_problem(path)
    if problem:  # never looked through: saves that need a compaction are refused
        return [Finding("error", f"{problem}; saves are refused when a backup is due",
                        f"rm -- {_q(backups.folder(path))}  (then: "
                        f"{command('compact', path)})")]
    try:
        kept = backups.listing(path)
    except StorageError as e:
        if not os.access(backups.folder(path), os.R_OK | os.X_OK):
            return [_denied(backups.folder(path), "read")]
        return [Finding("error", str(e))]
    found = []
    damaged = backups.damaged_copies(path)
    if damaged:
        found.append(Finding("ok", f"{len(damaged)} file(s) of damaged data kept by a restore "
                             f"in {backups.folder(path)} (e.g. {damaged[-1].name}); remove "
                             "them when nothing in them is needed"))
    if not kept:
        return [*found, Finding("warning", "no backups yet (one is kept at every compaction)",
                                command("compact", path))]
    bad = []
    for p in kept:
        try:
            check_base(p, backups.read(p))
        except StorageError:
            bad.append(p)
    newest = backups.taken_at(kept[-1], path) or datetime.fromtimestamp(
        kept[-1].stat().st_mtime, UTC)
    found.append(Finding("ok", f"{len(kept)} backup(s), newest {newest:%Y-%m-%d %H:%M} UTC "
                         f"({kept[-1].name})"))
    if bad:
        found.append(Finding("error", f"unreadable backup(s): {', '.join(p.name for p in bad)}",
                             "; ".join(f"mv -- {_q(p)} {_q(p.with_name(p.name + '.unreadable'))}"
                                       for p in bad)))
    return found + _shared_with_data(path, kept)


def _shared_with_data(path: Path, kept: list[Path]) -> list[Finding]:
    """A backup that is a hard link to the data file (as older versions kept them) is
    damaged with it by anything that writes the data file in place."""
    try:
        data = path.stat()
    except OSError:
        return []
    linked = [p for p in kept if p.stat().st_ino == data.st_ino and p.stat().st_dev == data.st_dev]
    if not linked:
        return []
    return [Finding("warning", f"backup {linked[-1].name} is the same file as the data file (a "
                    "hard link): damage to one would be damage to both",
                    command("compact", path) + "  (keeps an independent copy)")]
