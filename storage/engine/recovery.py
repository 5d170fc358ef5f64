"""``scopekeeper restore``: bring a backup back, from whatever state the files are in.

A restore exists for damage: an empty, truncated or garbage data file, a damaged journal
line, a journal without its data file. So it never needs to read the current state first:

* **Readable state**: it is compacted into a backup of its own (as before any replacement),
  then the backup's records become the content. Revisions never go back, so an editor
  holding a record from before gets a conflict instead of overwriting.
* **Damaged state**: the data file and journal are kept exactly as they were, beside the
  backups (``….damaged``, ``….damaged.journal``; see ``backups.py``); nothing on disk is
  lost, even damaged. The backup's records become the content, and the journal's change
  sets newer than the backup are **replayed** where they apply cleanly: every record a
  change set touches must be at the revision the change was made to (a new record must not
  exist yet). A change set that does not apply, a damaged line, and changes that were only
  in the damaged data file are reported one line each, never dropped silently. Every
  readable change set also goes to the audit trail, replayed or not.

Either way the result is written as a new data file with a new journal, kept as the newest
backup, and the audit trail records the restore (who, when, which backup, what was
replayed). Everything happens under the writers' lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage import audit, backups
from storage.engine.formats import Damaged, NewerSchema
from storage.engine.journal_lines import ChangeSet, Salvage, salvage
from storage.engine.settings import stamp
from storage.errors import StorageError
from storage.files import read_regular
from storage.tables import TABLES

if TYPE_CHECKING:
    from storage.engine.database import Database


@dataclass(frozen=True, slots=True, kw_only=True)
class Restored:
    """What a restore did, for the person who ran it."""

    source: Path
    records: int
    kept: tuple[Path, ...]  # what was there before: a backup, or the damaged files as they were
    damage: str = ""  # why the state before was unusable ("" if it was readable)
    replayed: int = 0  # journal change sets newer than the backup, brought back
    not_replayed: tuple[str, ...] = ()  # one line each: what was left out, and why
    passed_over: tuple[str, ...] = ()  # unreadable newer backups that 'latest' skipped


def replay(tables: dict[type, dict[str, Any]], changes: Iterable[ChangeSet],
           after: int) -> tuple[int, list[str]]:
    """Apply, in order, the change sets newer than ``after`` that apply cleanly (each one
    whole or not at all); returns how many, and a line for each one left out."""
    done, left_out = 0, []
    for change in changes:
        if change.seq <= after:
            continue  # the backup has it already
        clash = _clash(tables, change)
        if clash:
            who = f" by {change.by}" if change.by else ""
            left_out.append(f"change {change.seq}{who} at {change.at or 'an unknown time'} "
                            f"not replayed: {clash}")
            continue
        for cls, record_id, record, _ in change.ops:
            if record is None:
                tables[cls].pop(record_id, None)
            else:
                tables[cls][record_id] = record
        done += 1
    return done, left_out


def _clash(tables: dict[type, dict[str, Any]], change: ChangeSet) -> str:
    for cls, record_id, record, old_rev in change.ops:
        current = tables[cls].get(record_id)
        have = 0 if current is None else current.rev
        what = f"{cls.__name__} {record_id}"
        if record is not None and have != record.rev - 1:
            return (f"{what} already exists" if record.rev == 1 else
                    f"{what} is at revision {have}; the change was made to revision "
                    f"{record.rev - 1}")
        if record is None and current is None:
            return f"{what} is not there to delete"
        if record is None and old_rev is not None and have != old_rev:
            return f"{what} is at revision {have}; it was deleted at revision {old_rev}"
    return ""


def _gap(found: Salvage, after: int) -> list[str]:
    """Changes that were only in the damaged data file (newer than the backup, older than
    the journal)."""
    start = found.base_seq
    if start is None and found.changes:
        start = min(c.seq for c in found.changes) - 1
    if start is None or start <= after:
        return []
    span = f"change {start} was" if start == after + 1 else \
        f"changes {after + 1} to {start} were"
    return [f"{span} in the damaged data file only, not in the backup or the journal: not "
            "brought back (the audit trail, 'scopekeeper history', says what they were)"]


def _damage(db: Database) -> str:
    """Why the files as they are cannot be read ('' if they can); reads them if they can."""
    for path in (db.path, db.journal_path):
        try:
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
        except FileNotFoundError:
            pass
        except OSError as e:  # not damage: a restore must not replace what it cannot read
            raise StorageError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        db._reload()
        db.memory.read_all()  # every record: damage anywhere is what a restore is for
    except NewerSchema:
        raise  # not damage either: upgrade scopekeeper
    except Damaged as e:
        return e.problem
    except StorageError as e:
        return str(e)
    return ""


def _journal_bytes(db: Database) -> tuple[bytes, list[str]]:
    try:
        return read_regular(db.journal_path), []
    except FileNotFoundError:
        return b"", []
    except (OSError, StorageError) as e:
        return b"", [f"{db.journal_path.name}: not read ({getattr(e, 'strerror', None) or e})"]


def _tables(records: dict[type, list[Any]], before: dict[type, dict[str, Any]] | None,
            ) -> dict[type, dict[str, Any]]:
    out: dict[type, dict[str, Any]] = {cls: {} for cls in TABLES}
    for cls, items in records.items():
        for r in items:
            old = before[cls].get(r.id) if before is not None else None
            # a revision never goes back: an editor holding the old one gets a conflict
            rev = max(r.rev, 1, old.rev + 1 if old is not None else 0)
            out[cls][r.id] = r if rev == r.rev else replace(r, rev=rev)
    return out


def restore(db: Database, source: Path, records: dict[type, list[Any]], backup_seq: int,
            author: str = "") -> Restored:
    """Make a backup's ``records`` the whole content (see the module doc)."""
    with db.exclusive():
        db._clean_up_locked()
        damage = _damage(db)
        if damage:
            done = _over_damage(db, source, records, backup_seq)
        else:
            kept = (db._compact(),) if db.position[0] is not None and any(
                db.tables.values()) else ()
            db.tables = _tables(records, db.tables)
            db._pos.seq += 1
            done = Restored(source=source, records=0, kept=kept)
        db._write_base_and_journal()
        db.keep_backup()
        count = sum(len(t) for t in db.tables.values())
        changes: dict[str, list[Any]] = {"restored": [None, source.name],
                                         "records": [None, count]}
        if damage:
            changes |= {"replayed": [None, done.replayed],
                        "not replayed": [None, len(done.not_replayed)]}
        audit.append(db.audit_path, [{
            "seq": db.position[1], "at": stamp(db.settings.now()), "by": author, "table": "",
            "id": "", "client_id": "", "op": "replace_all", "changes": changes}], db.mode)
    return replace(done, records=count, damage=damage)


def _over_damage(db: Database, source: Path, records: dict[type, list[Any]],
                 backup_seq: int) -> Restored:
    """Keep the damaged files, take the backup, replay what applies of the journal."""
    kept = backups.keep_damaged(db.backup_place)
    raw, unread = _journal_bytes(db)
    found = salvage(raw, db.journal_path.name)
    tables = _tables(records, None)
    replayed, left_out = replay(tables, found.changes, backup_seq)
    # the saves people made belong in the trail, whether they could be replayed or not
    audit.fold(db.audit_path, [c.raw for c in found.changes], db.mode)
    db.tables = tables
    db._pos.seq = 1 + max([backup_seq, found.base_seq or 0, audit.last_seq(db.audit_path),
                           *(c.seq for c in found.changes)])
    return Restored(source=source, records=0, kept=kept, replayed=replayed,
                    not_replayed=(*unread, *found.problems, *_gap(found, backup_seq),
                                  *left_out))
