"""The one place that opens the data file: a TinyDB JSON base plus an append-only journal
(the files and why: ``storage/README.md``; measured in ``bench/``).

:class:`Database` owns the records in memory and keeps them in step with the files: before
every read it looks at the two files' identities (a grown journal is read from where it
stopped, a replaced base is reloaded), and it commits a change set under the writers'
lock. Every record carries ``rev``; a save whose ``rev`` is not the stored one raises
:class:`~storage.errors.Conflict` with both versions. The base's bytes are
``base_file.py``'s, the journal's ``journal.py``'s, folding one into the other
``compaction.py``'s; the records in memory (the bulk of them read only when needed)
``memory.py``'s.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from storage import audit, backups
from storage.access import check_reachable, os_errors
from storage.engine import base_file, compaction, journal
from storage.engine.base_file import Tables
from storage.engine.formats import SCHEMA_VERSION, Damaged
from storage.engine.journal import Raced
from storage.engine.journal_lines import ChangeSet
from storage.engine.memory import Memory, of_base, quiet_gc
from storage.engine.settings import Settings, stamp
from storage.engine.writers_lock import WritersLock
from storage.errors import Conflict, StorageError
from storage.files import (
    data_token,
    file_lock,
    identity,
    journal_of,
    lock_of,
    orphan_temp_files,
    privacy_of,
    refuse_network_fs,
)
from storage.tables import TABLES
from tracker.record_types import Record
from tracker.validation import validate


@dataclass(slots=True)
class _Position:
    """What this process has read: which base (by identity) and how far into which journal."""

    base: tuple[int, int, int] | None = None  # (inode, size, mtime_ns)
    base_seq: int = 0
    journal: int | None = None  # inode
    offset: int = 0  # bytes of whole lines consumed
    seq: int = 0  # last change applied


class Database:
    """Records of every type, kept in step with the files on disk."""

    def __init__(self, path: str | os.PathLike[str], settings: Settings | None = None,
                 mounts: Path = Path("/proc/mounts"), lazy: bool = False) -> None:
        self.path = Path(path)
        self.settings = settings or Settings()
        check_reachable(self.path)  # a folder this person may not enter: who to ask
        if self.path.is_dir():
            raise StorageError(f"{self.path}: is a directory, not a data file")
        if not self.settings.allow_network_fs:
            refuse_network_fs(self.path.parent, mounts)
        self.journal_path = journal_of(self.path)
        self.lock_path = lock_of(self.path)
        self.audit_path = audit.audit_path(self.path)
        #: who may read the store's files (and the documents and exports made from them)
        self.privacy = privacy_of(self.path.parent, self.settings.shared)
        self.mode = self.privacy.file_mode
        #: what backups need of this file (never the store itself)
        self.backup_place = backups.Place(
            data_file=self.path, audit_file=self.audit_path, mode=self.mode,
            privacy=self.privacy, keep=self.settings.backups, now=self.settings.now)
        self._schedule = compaction.Schedule(self.settings, self.backup_place)
        self._lock = WritersLock(self.path, self.lock_path, self.privacy,
                                 self.settings.lock_timeout)
        #: the records, by type and id (``memory.py``: the bulk of them read when needed)
        self.memory = Memory(self.path)
        self._pos = _Position()
        self._loaded = False
        self._cleaned = False
        if not lazy:  # lazy: read on first use (every read and write refreshes first)
            with os_errors(self.path, "read"):
                self._refresh()

    # ---------------------------------------------------------------- reading

    @property
    def tables(self) -> Tables:
        """Every record by type and id (all of them read, if they were not yet)."""
        return self.memory.tables

    @tables.setter
    def tables(self, tables: Tables) -> None:
        self.memory = Memory(self.path, tables)

    def token(self) -> tuple[object, object]:
        """Changes whenever anyone saves: the identities of the data file and journal."""
        return data_token(self.path)

    @property
    def position(self) -> tuple[tuple[int, int, int] | None, int]:
        """What the records in memory are: the base read (its identity) and the last
        change applied on top of it."""
        return self._pos.base, self._pos.seq

    def changes_since(self, seq: int) -> list[dict[str, Any]]:
        """The journal's change sets after ``seq``, as written (for readers that keep their
        own copy of some records, like the review digest)."""
        return [e for e in journal.entries(self.journal_path, strict=True) if e["seq"] > seq]

    def refresh(self) -> None:
        """Catch up with what other processes committed (cheap when nothing changed)."""
        with os_errors(self.path, "read"):
            self._refresh()

    def _refresh(self) -> None:
        base = identity(self.path)
        journal_now = identity(self.journal_path)
        if not self._loaded or base != self._pos.base or (
                journal_now is not None and journal_now[0] != self._pos.journal) or (
                journal_now is None and self._pos.journal is not None):
            self._reload()
        elif journal_now is not None and journal_now[1] > self._pos.offset:
            try:
                self._read_journal(from_offset=self._pos.offset)
            except Raced:  # the journal was replaced between the look and the read
                self._reload()

    def _reload(self) -> None:
        with quiet_gc():
            self._reload_files()

    def _reload_files(self) -> None:
        if self._lock.holding:  # nobody else can change the files now
            for _ in range(2):  # once more after migrating an older base in place
                try:
                    self._load_files()
                    return
                except Raced:
                    continue
            raise Damaged(f"{self.journal_path}: the journal is newer than its data file "
                          f"{self.path.name}")
        for _ in range(20):
            try:
                self._load_files()
                return
            except Raced:
                continue
        with file_lock(self.lock_path, self.mode, self.settings.lock_timeout, shared=True):
            self._load_files()

    def _load_files(self) -> None:
        base = identity(self.path)
        if base is None:
            if self.journal_path.exists():
                raise Damaged(f"{self.journal_path}: journal without its data file "
                              f"{self.path.name}")
            self.memory = Memory(self.path)
            self._pos = _Position()
            self._loaded = True
            return
        # A base this engine wrote (its journal names it, and its bytes are unchanged) is
        # whole and well-formed: its bulk is read when needed. Others are checked whole.
        vouched = journal.base_of(self.journal_path)
        raw = base_file.read_bytes(self.path)
        if identity(self.path) != base:
            raise Raced
        crc = vouched[1] if vouched is not None and vouched[0] == base else None
        data, bulk = base_file.parse(self.path, raw, crc)
        if base_file.schema_of(data) < SCHEMA_VERSION:
            self._migrate_file()
            raise Raced
        self.memory = of_base(self.path, data, bulk)
        seq = base_file.seq_of(data)
        self._pos = _Position(base=base, base_seq=seq, seq=seq)
        self._loaded = True
        self._read_journal(from_offset=0)

    def _read_journal(self, from_offset: int) -> None:
        self._pos.journal, self._pos.offset = journal.read(
            self.journal_path, from_offset, self._pos.journal, self._pos.base_seq, self._apply)

    def _apply(self, change: ChangeSet) -> None:
        if change.seq <= self._pos.seq:
            return  # already in the base (a compaction that was cut short)
        for cls, record_id, record, _ in change.ops:
            if record is None:
                self.memory.drop(cls, record_id)
            else:
                self.memory.put(record)
        self._pos.seq = change.seq

    # ---------------------------------------------------------------- writing

    def commit(self, puts: Sequence[Record] = (), deletes: Sequence[Record] = (), *,
               author: str = "") -> list[Record]:
        """Save ``puts`` and delete ``deletes`` (records as loaded) as one change set.

        Every record must carry the revision currently stored (0 for a new one), else
        :class:`Conflict`. Returns the saved records with their new revisions.
        """
        for record in puts:
            validate(record)
        with self._locked():
            saved = [replace(r, rev=self._expect(r) + 1) for r in puts]
            for r in deletes:
                self._expect(r, deleting=True)
            ops: list[tuple[str, str, Record | None]] = [(TABLES[type(r)], r.id, r)
                                                          for r in saved]
            ops += [(TABLES[type(r)], r.id, None) for r in deletes]
            if not ops:
                return []
            # for the audit trail: the old values of what changed (None: a new record)
            olds = [audit.was(self.memory.find(type(r), r.id), r) for r in saved]
            olds += [audit.was(self.memory.find(type(r), r.id), None) for r in deletes]
            entry = {"seq": self._pos.seq + 1, "at": stamp(self.settings.now()), "by": author,
                     "ops": ops, "was": olds}
            line = orjson.dumps(entry) + b"\n"
            compact = self._schedule.due(1 + self._pos.seq - self._pos.base_seq,
                                         self._pos.offset + len(line))
            if compact:  # refused before anything is written, not after the save
                backups.check_folder(self.path)
                self.memory.read_all()  # now: nothing can fail once the line is written
            self._append(line)
            self._apply_records(saved, deletes)
            self._pos.seq += 1
            if compact:
                self._compact()
        return saved

    def _expect(self, record: Record, deleting: bool = False) -> int:
        current = self.memory.find(type(record), record.id)
        stored = 0 if current is None else current.rev
        if record.rev != stored or (deleting and current is None):
            raise Conflict(record, current)
        return stored

    def _apply_records(self, saved: Iterable[Record], deleted: Iterable[Record]) -> None:
        for r in saved:
            self.memory.put(r)
        for r in deleted:
            self.memory.drop(type(r), r.id)

    def _locked(self) -> AbstractContextManager[None]:
        """The writers' lock, after catching up with everything committed."""
        return self._lock.held(catch_up=self._catch_up_locked)

    def _clean_up_locked(self) -> None:
        """Under the lock: remove the temp files of writers that died (once per process)."""
        if not self._cleaned:
            for tmp in orphan_temp_files(self.path):
                tmp.unlink(missing_ok=True)
            self._cleaned = True

    def _catch_up_locked(self) -> None:
        """Under the lock: clean up after dead writers and read everything committed."""
        self._clean_up_locked()
        self.refresh()
        size = identity(self.journal_path)
        if size is not None and size[1] > self._pos.offset:  # a dead writer's torn line
            journal.trim(self.journal_path, self._pos.offset, self.mode)

    def _append(self, line: bytes) -> None:
        if self._pos.base is None:
            self._write_base_and_journal()
        elif self._pos.journal is None:  # a base copied or restored without its journal
            journal.start(self.journal_path, self._pos.base_seq, self.mode,
                          self.settings.now())
            self._pos.offset = self.journal_path.stat().st_size
        self._pos.journal = journal.append(self.journal_path, line, self.mode)
        self._pos.offset += len(line)

    def keep_backup(self) -> Path:
        """A backup of the data file as it is now (the last N are kept)."""
        return self._schedule.keep_backup()

    def _write_base_and_journal(self) -> None:
        """Write every record as a new base (including all changes); start a new journal."""
        self._written(compaction.rewrite(self.path, self.journal_path, self.tables,
                                         self._pos.seq, self.mode, self.settings.now()))

    def _compact(self) -> Path:
        """Fold the journal in; returns the backup kept of the result."""
        self._written(compaction.fold(self.path, self.journal_path, self.audit_path,
                                      self.tables, self._pos.seq, self.mode,
                                      self.settings.now()))
        return self.keep_backup()

    def _written(self, written: compaction.Written) -> None:
        base, journal_inode, journal_size = written
        seq = self._pos.seq
        self._pos = _Position(base=base, base_seq=seq, journal=journal_inode,
                              offset=journal_size, seq=seq)

    def history(self, client_id: str | None = None) -> list[audit.AuditEntry]:
        """The audit trail (of one client, or everything), oldest first."""
        with os_errors(self.audit_path, "read"):
            # first: a compaction meanwhile loses nothing
            pending = journal.entries(self.journal_path)
            return audit.read(self.audit_path, pending, client_id)

    def compact(self) -> None:
        """Fold the journal into the data file now (and keep a backup of the result)."""
        with self._locked():
            self._compact()

    def replace_all(self, records: Iterable[Record], author: str = "", source: str = "") -> None:
        """Make ``records`` the whole content (after backing up what was there); the audit
        trail says where they came from (``source``: "demo", "import")."""
        items = list(records)
        for r in items:
            validate(r)
        with self._locked():
            if self._pos.base is not None and any(self.tables.values()):
                self._compact()  # the old content, kept as a backup
            old, self.tables = self.tables, {cls: {} for cls in TABLES}
            for r in items:
                before = old[type(r)].get(r.id)
                # a revision never goes back (a stale editor: conflict); one that stands: not copied
                rev = max(r.rev, 1, before.rev + 1 if before is not None else 0)
                self.tables[type(r)][r.id] = r if r.rev == rev else replace(r, rev=rev)
            self._pos.seq += 1
            self._compact()
            audit.append(self.audit_path, [{
                "seq": self._pos.seq, "at": stamp(self.settings.now()), "by": author,
                "table": "", "id": "", "client_id": "", "op": "replace_all",
                "changes": {"records": [None, len(items)],
                            **({"source": [None, source]} if source else {})}}], self.mode)

    def exclusive(self) -> AbstractContextManager[None]:
        """The writers' lock, without reading the files first (they may be damaged)."""
        return self._lock.held()

    def _migrate_file(self) -> None:
        # under our own lock already (a transaction reading an older base): no second lock
        held = contextlib.nullcontext() if self._lock.holding else file_lock(
            self.lock_path, self.mode, self.settings.lock_timeout)
        base_file.migrate_in_place(self.path, self.backup_place, held)
