"""The one place that opens the data file: a TinyDB JSON file plus an append-only journal.

Design (measured in ``bench/``; see ``storage/README.md``):

* ``NAME.json`` — the *base*: plain TinyDB JSON (one table per record type, ``_meta`` with
  format, schema and ``seq``, the last change it includes). Only ever replaced atomically
  (temp file, fsync, rename, fsync of the directory); stock TinyDB and
  ``python -m json.tool`` open it.
* ``NAME.json.journal`` — one JSON line per committed change set (``seq``, time, author,
  operations), appended and fsynced. A save costs one short append whatever the size of the
  data. A line cut short by a killed writer has no newline and is ignored, then trimmed by
  the next writer.
* ``NAME.json.lock`` — an ``flock`` held only while a change is checked and appended (never
  while a person types). The kernel drops it when the holder dies.
* Compaction folds the journal into a new base when it grows (entries or bytes), when a
  backup is due, or on ``scopekeeper compact``; each new base is also copied into
  ``backups/`` (the last N are kept; see ``backups.py`` for why never a hard link).

Each process keeps the decoded records in memory and, before every read, looks at the two
files' identities: a grown journal is read from where it stopped, a replaced base is
reloaded. Every record carries ``rev``; a save whose ``rev`` is not the stored one raises
:class:`Conflict` with both versions.
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from storage import audit, backups
from storage.access import check_reachable, os_problem
from storage.codecs import DecodeError, decode_fast, fast_decoder
from storage.errors import Conflict, StorageError
from storage.files import (
    atomic_write,
    data_token,
    file_lock,
    identity,
    journal_of,
    lock_of,
    make_dirs,
    open_private,
    orphan_temp_files,
    privacy_of,
    read_regular,
    refuse_network_fs,
)
from storage.formats import (  # re-exported: the format is the database's
    FORMAT,
    JOURNAL_FORMAT,
    RESTORE_HINT,
    SCHEMA_VERSION,
    Damaged,
    NewerSchema,
    check_base,
    load_records,
)
from storage.journal_lines import ChangeSet, change_set
from storage.migrations import META, migrate
from storage.tables import TABLES
from tracker.validation import validate

__all__ = ["FORMAT", "JOURNAL_FORMAT", "RESTORE_HINT", "SCHEMA_VERSION", "Damaged",
           "Database", "NewerSchema", "Settings", "check_base", "load_records", "utc_now"]


def utc_now() -> datetime:
    """The real instant: the default clock of the audit trail and the backups' names (the
    composition root hands in its own; see ``scopekeeper/host.py``)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Settings:
    backups: int = 10  # rolling backups kept
    backup_every: timedelta = timedelta(hours=24)  # a backup is due after this long
    compact_entries: int = 2000  # fold the journal in after this many change sets ...
    compact_bytes: int = 8 * 1024 * 1024  # ... or this many bytes
    lock_timeout: float = 10.0
    shared: bool | None = None  # None: shared when the directory is setgid + group-writable
    allow_network_fs: bool = False
    #: The real instant (never a moved day: backups are ordered by the time in their names).
    now: Callable[[], datetime] = utc_now


@dataclass(slots=True)
class _Position:
    """What this process has read: which base (by identity) and how far into which journal."""

    base: tuple[int, int, int] | None = None  # (inode, size, mtime_ns)
    base_seq: int = 0
    journal: int | None = None  # inode
    offset: int = 0  # bytes of whole lines consumed
    seq: int = 0  # last change applied


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def _os_errors(path: Path, verb: str) -> Iterator[None]:
    """Turn a failing system call into one line naming the file at fault (the one the
    error names: the journal, the lock... else ``path``) and what to do."""
    try:
        yield
    except OSError as e:
        raise StorageError(os_problem(e, path, verb)) from None


class _Raced(Exception):
    """The files changed under a lock-free read: read again."""


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
        self._backup_checked: tuple[float, bool] | None = None  # (monotonic time, due)
        self.tables: dict[type, dict[str, Any]] = {cls: {} for cls in TABLES}
        self._pos = _Position()
        self._loaded = False
        self._cleaned = False
        self._holding = False  # this process holds the exclusive lock (see _Transaction)
        if not lazy:  # lazy: read on first use (every read and write refreshes first)
            with _os_errors(self.path, "read"):
                self._refresh()

    # ---------------------------------------------------------------- reading

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
        return [e for e in self._journal_entries(strict=True) if e["seq"] > seq]

    def refresh(self) -> None:
        """Catch up with what other processes committed (cheap when nothing changed)."""
        with _os_errors(self.path, "read"):
            self._refresh()

    def _refresh(self) -> None:
        base = identity(self.path)
        journal = identity(self.journal_path)
        if not self._loaded or base != self._pos.base or (
                journal is not None and journal[0] != self._pos.journal) or (
                journal is None and self._pos.journal is not None):
            self._reload()
        elif journal is not None and journal[1] > self._pos.offset:
            try:
                self._read_journal(from_offset=self._pos.offset)
            except _Raced:  # the journal was replaced between the look and the read
                self._reload()

    def _reload(self) -> None:
        # Parsing and decoding 100,000 documents sets off the cyclic collector dozens of
        # times for nothing (records hold no cycles): pausing it saves a third of the time.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._reload_files()
        finally:
            # The records live long and hold no reference cycles: keep them out of every
            # later collection, or each one walks 100,000 objects (pauses the UI feels).
            gc.freeze()
            if was_enabled:
                gc.enable()

    def _reload_files(self) -> None:
        if self._holding:  # nobody else can change the files now
            for _ in range(2):  # once more after migrating an older base in place
                try:
                    self._load_files()
                    return
                except _Raced:
                    continue
            raise Damaged(f"{self.journal_path}: the journal is newer than its data file "
                          f"{self.path.name}")
        for _ in range(20):
            try:
                self._load_files()
                return
            except _Raced:
                continue
        with file_lock(self.lock_path, self.mode, self.settings.lock_timeout, shared=True):
            self._load_files()

    def _load_files(self) -> None:
        base = identity(self.path)
        if base is None:
            if self.journal_path.exists():
                raise Damaged(f"{self.journal_path}: journal without its data file "
                              f"{self.path.name}")
            self.tables = {cls: {} for cls in TABLES}
            self._pos = _Position()
            self._loaded = True
            return
        data = self._read_base()
        if identity(self.path) != base:
            raise _Raced
        version = data[META]["1"]["schema"] if META in data else SCHEMA_VERSION
        if version < SCHEMA_VERSION:
            self._migrate_file()
            raise _Raced
        tables = self._decode_tables(data)
        self.tables = tables
        self._pos = _Position(base=base, base_seq=data[META]["1"].get("seq", 0),
                              seq=data[META]["1"].get("seq", 0))
        self._loaded = True
        self._read_journal(from_offset=0)

    def _read_base(self) -> dict[str, dict[str, Any]]:
        try:
            raw = read_regular(self.path)
        except OSError as e:
            raise StorageError(os_problem(e, self.path, "read")) from None
        return check_base(self.path, raw)

    def _decode_tables(self, data: dict[str, dict[str, Any]]) -> dict[type, dict[str, Any]]:
        tables: dict[type, dict[str, Any]] = {}
        for cls, name in TABLES.items():
            docs = data.pop(name, {})
            decode_doc: Any = fast_decoder(cls)
            try:
                decoded = [decode_doc(doc) for doc in docs.values()]
            except DecodeError:
                decoded = [self._decode_or_explain(cls, name, i, d) for i, d in docs.items()]
            docs.clear()
            tables[cls] = {r.id: r for r in decoded}
        return tables

    def _decode_or_explain(self, cls: type, table: str, doc_id: str, doc: Any) -> Any:
        try:
            return decode_fast(cls, doc)
        except DecodeError as e:
            raise StorageError(f"{self.path}: table {table!r}, document {doc_id}: {e}") from None

    def _read_journal(self, from_offset: int) -> None:
        try:
            fd = os.open(self.journal_path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            self._pos.journal, self._pos.offset = None, 0
            return
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):  # a FIFO would hang every reader
                raise StorageError(f"{self.journal_path}: is not a regular file")
            ino = st.st_ino
            if self._pos.journal is not None and ino != self._pos.journal and from_offset:
                raise _Raced
            f.seek(from_offset)
            chunk = f.read()
        end = chunk.rfind(b"\n") + 1  # a torn last line (no newline yet) is left for later
        offset = from_offset
        for n, line in enumerate(chunk[:end].split(b"\n")[:-1]):
            if from_offset == 0 and n == 0:
                self._check_header(line)
            else:
                # the one definition of a readable change set: what a restore replays
                change = change_set(line)
                if isinstance(change, str):
                    raise Damaged(f"{self.journal_path}: damaged entry at byte {offset} "
                                  f"({change})")
                self._apply(change)
            offset += len(line) + 1
        self._pos.journal, self._pos.offset = ino, offset

    def _check_header(self, line: bytes) -> None:
        try:
            header = orjson.loads(line)
        except orjson.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get("journal") != JOURNAL_FORMAT or not (
                isinstance(header.get("schema", 0), int)
                and isinstance(header.get("base_seq", 0), int)):
            raise Damaged(f"{self.journal_path}: not a scopekeeper journal (its header line "
                          "is damaged)")
        if header.get("schema", 0) > SCHEMA_VERSION:
            raise NewerSchema(f"{self.journal_path}: written by a newer scopekeeper (schema "
                               f"{header.get('schema')}); upgrade scopekeeper")
        if header.get("base_seq", 0) > self._pos.base_seq:
            raise _Raced  # the base we read is older than this journal: a compaction ran

    def _apply(self, change: ChangeSet) -> None:
        if change.seq <= self._pos.seq:
            return  # already in the base (a compaction that was cut short)
        for cls, record_id, record, _ in change.ops:
            if record is None:
                self.tables[cls].pop(record_id, None)
            else:
                self.tables[cls][record_id] = record
        self._pos.seq = change.seq

    # ---------------------------------------------------------------- writing

    def commit(self, puts: Sequence[Any] = (), deletes: Sequence[Any] = (), *,
               author: str = "") -> list[Any]:
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
            ops = [[TABLES[type(r)], r.id, r] for r in saved]
            ops += [[TABLES[type(r)], r.id, None] for r in deletes]
            if not ops:
                return []
            # for the audit trail: the old values of what changed (None: a new record)
            olds = [audit.was(self.tables[type(r)].get(r.id), r) for r in saved]
            olds += [audit.was(self.tables[type(r)].get(r.id), None) for r in deletes]
            entry = {"seq": self._pos.seq + 1, "at": _stamp(self.settings.now()), "by": author,
                     "ops": ops, "was": olds}
            line = orjson.dumps(entry) + b"\n"
            compact = self._compaction_due(1, len(line))
            if compact:  # refused before anything is written, not after the save
                backups.check_folder(self.path)
            self._append(line)
            self._apply_records(saved, deletes)
            self._pos.seq += 1
            if compact:
                self._compact()
        return saved

    def _expect(self, record: Any, deleting: bool = False) -> int:
        current = self.tables[type(record)].get(record.id)
        stored = 0 if current is None else current.rev
        if record.rev != stored or (deleting and current is None):
            raise Conflict(record, current)
        return stored

    def _apply_records(self, saved: Iterable[Any], deleted: Iterable[Any]) -> None:
        for r in saved:
            self.tables[type(r)][r.id] = r
        for r in deleted:
            self.tables[type(r)].pop(r.id, None)

    def _locked(self) -> Any:
        return _Transaction(self)

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
            os.truncate(self.journal_path, self._pos.offset)
            fd = open_private(self.journal_path, os.O_WRONLY, self.mode)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _append(self, line: bytes) -> None:
        if self._pos.base is None:
            self._write_base_and_journal()
        elif self._pos.journal is None:  # a base copied or restored without its journal
            self._new_journal(self._pos.base_seq)
            self._pos.offset = self.journal_path.stat().st_size
        with _os_errors(self.journal_path, "write"):  # a full disk names the journal
            fd = open_private(self.journal_path, os.O_WRONLY | os.O_APPEND, self.mode)
            try:
                view = memoryview(line)
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
                st = os.fstat(fd)
            finally:
                os.close(fd)
        self._pos.offset += len(line)
        self._pos.journal = st.st_ino

    def _compaction_due(self, entries: int = 0, size: int = 0) -> bool:
        """Is a compaction due (after ``entries`` more change sets of ``size`` bytes)?"""
        entries += self._pos.seq - self._pos.base_seq
        return (entries >= self.settings.compact_entries
                or self._pos.offset + size >= self.settings.compact_bytes
                or self._backup_due())

    def _backup_due(self) -> bool:
        """Is a backup due? Asked at every save: the folder is looked at once a minute."""
        now = time.monotonic()
        if self._backup_checked is None or now - self._backup_checked[0] >= 60:
            self._backup_checked = (now, backups.due(self.backup_place,
                                                     self.settings.backup_every))
        return self._backup_checked[1]

    def keep_backup(self) -> Path:
        """A backup of the data file as it is now (the last N are kept)."""
        kept = backups.keep(self.backup_place)
        self._backup_checked = (time.monotonic(), False)
        return kept

    def _write_base_and_journal(self, folded: Callable[[], None] | None = None) -> None:
        """Write every record as a new base (including all changes) and start a new journal;
        ``folded`` runs in between, once the new base is in place."""
        seq = self._pos.seq
        data: dict[str, Any] = {META: {"1": {"format": FORMAT, "schema": SCHEMA_VERSION,
                                            "seq": seq}}}
        for cls, name in TABLES.items():
            data[name] = {str(n): r for n, r in enumerate(self.tables[cls].values(), start=1)}
        atomic_write(self.path, orjson.dumps(data), self.mode)
        if folded is not None:
            folded()
        self._new_journal(seq)
        self._pos = _Position(base=identity(self.path), base_seq=seq,
                              journal=self.journal_path.stat().st_ino,
                              offset=self.journal_path.stat().st_size, seq=seq)

    def _new_journal(self, base_seq: int) -> None:
        header = {"journal": JOURNAL_FORMAT, "schema": SCHEMA_VERSION, "base_seq": base_seq,
                  "created": _stamp(self.settings.now())}
        atomic_write(self.journal_path, orjson.dumps(header) + b"\n", self.mode)

    def _compact(self) -> Path:
        """Fold the journal in; returns the backup kept of the result."""
        backups.check_folder(self.path)  # refused before anything is written
        entries = self._journal_entries()
        # The journal's entries go to the audit trail once the new base holds them (a
        # compaction that fails writes nothing there) and before the journal is replaced
        # (a reader skips entries the base holds; one cut short is redone, never doubled).
        self._write_base_and_journal(
            lambda: audit.fold(self.audit_path, entries, self.mode))
        return self.keep_backup()

    def _journal_entries(self, strict: bool = False) -> list[dict[str, Any]]:
        """Every complete change set in the current journal (not its header). ``strict``:
        a damaged line is refused (as a full read refuses it) instead of passed over — a
        reader must not show the data without a save and say nothing."""
        try:
            raw = self.journal_path.read_bytes()
        except FileNotFoundError:
            return []
        out = []
        offset = 0
        for n, line in enumerate(raw[: raw.rfind(b"\n") + 1].split(b"\n")[:-1]):
            at, offset = offset, offset + len(line) + 1
            if n == 0:
                continue
            change = change_set(line)
            if isinstance(change, ChangeSet):
                out.append(change.raw)
            elif strict:
                raise Damaged(f"{self.journal_path}: damaged entry at byte {at} ({change})")
        return out

    def history(self, client_id: str | None = None) -> list[audit.AuditEntry]:
        """The audit trail (of one client, or everything), oldest first."""
        with _os_errors(self.audit_path, "read"):
            pending = self._journal_entries()  # first: a compaction meanwhile loses nothing
            return audit.read(self.audit_path, pending, client_id)

    def compact(self) -> None:
        """Fold the journal into the data file now (and keep a backup of the result)."""
        with self._locked():
            self._compact()

    def replace_all(self, records: Iterable[Any], author: str = "", source: str = "") -> None:
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
                # a revision never goes back: an editor holding the old one gets a conflict
                rev = max(r.rev, 1, before.rev + 1 if before is not None else 0)
                self.tables[type(r)][r.id] = replace(r, rev=rev)
            self._pos.seq += 1
            self._compact()
            audit.append(self.audit_path, [{
                "seq": self._pos.seq, "at": _stamp(self.settings.now()), "by": author,
                "table": "", "id": "", "client_id": "", "op": "replace_all",
                "changes": {"records": [None, len(items)],
                            **({"source": [None, source]} if source else {})}}], self.mode)

    def exclusive(self) -> Any:
        """The writers' lock, without reading the files first (they may be damaged)."""
        return _Transaction(self, catch_up=False)

    def _migrate_file(self) -> None:
        # under our own lock already (a transaction reading an older base): no second lock
        held = contextlib.nullcontext() if self._holding else file_lock(
            self.lock_path, self.mode, self.settings.lock_timeout)
        with held:
            data = self._read_base()
            version = data[META]["1"]["schema"]
            if version >= SCHEMA_VERSION:
                return  # someone else migrated it meanwhile
            backups.copy_before(self.backup_place, f"schema{version}")
            new = migrate(data, version, SCHEMA_VERSION)
            atomic_write(self.path, orjson.dumps(new), self.mode)


class _Transaction:
    def __init__(self, db: Database, catch_up: bool = True) -> None:
        self.db = db
        self.catch_up = catch_up
        self.lock = file_lock(db.lock_path, db.mode, db.settings.lock_timeout)

    def __enter__(self) -> None:
        with _os_errors(self.db.path, "write"):
            make_dirs(self.db.path.parent, self.db.privacy)
            self.lock.__enter__()
        self.db._holding = True
        try:
            if self.catch_up:
                with _os_errors(self.db.path, "write"):
                    self.db._catch_up_locked()
        except BaseException as e:
            self.db._holding = False
            self.lock.__exit__(type(e), e, e.__traceback__)
            raise

    def __exit__(self, *exc: Any) -> None:
        self.db._holding = False
        try:
            if exc[0] is not None and issubclass(exc[0], OSError):
                raise StorageError(os_problem(exc[1], self.db.path, "write")) from None
        finally:
            self.lock.__exit__(None, None, None)
