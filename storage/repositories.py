"""Repositories: one per record type, over the data file opened by ``database``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from storage import backups
from storage.engine.database import Database
from storage.engine.formats import NewerSchema, load_records
from storage.engine.recovery import Restored
from storage.engine.settings import Settings
from storage.errors import NotFound, StorageError
from storage.tables import TABLES
from tracker.models import (
    AccessGrant,
    Activity,
    Agency,
    Assignment,
    BudgetChange,
    ChangeRequest,
    Client,
    ContactChange,
    Interaction,
    NpsResponse,
    ScopeItem,
    SignState,
    Snooze,
    TeamMember,
)

T = TypeVar("T")


class Repository(Generic[T]):
    """Load and save one record type; records are found by their own ``id``."""

    def __init__(self, db: Database, cls: type[T], author: str = "") -> None:
        self.cls = cls
        self.name = TABLES[cls]
        self._db = db
        self._author = author

    def _records(self) -> dict[str, T]:
        self._db.refresh()
        return self._db.tables[self.cls]

    def all(self) -> tuple[T, ...]:
        return tuple(self._records().values())

    def get(self, record_id: str) -> T:
        try:
            return self._records()[record_id]
        except KeyError:
            raise NotFound(f"no {self.cls.__name__} with id {record_id!r}") from None

    def save(self, record: T) -> T:
        """Validate and store ``record``; returns it with its new revision.

        Raises ValidationError (nothing written) or Conflict if someone else saved or
        deleted it since it was loaded."""
        if type(record) is not self.cls:
            raise TypeError(f"{self.name} holds {self.cls.__name__}, not {type(record).__name__}")
        (saved,) = self._db.commit([record], author=self._author)
        return saved  # type: ignore[no-any-return]

    def save_many(self, records: Iterable[T]) -> list[T]:
        """All or nothing, as one change."""
        return self._db.commit(list(records), author=self._author)

    def delete(self, record: T | str) -> None:
        """Delete a loaded record (Conflict if it changed since) or, given an id, whatever
        version is stored."""
        if isinstance(record, str):
            record = self.get(record)
        self._db.commit(deletes=[record], author=self._author)


class Store:
    """Every repository over one data file, plus whole-agency load and replace."""

    def __init__(self, path: str | Path, settings: Settings | None = None,
                 author: str = "", lazy: bool = False) -> None:
        self.db = Database(path, settings, lazy=lazy)
        self.path = self.db.path
        self.author = author
        db = self.db
        self.clients = Repository(db, Client, author)
        self.members = Repository(db, TeamMember, author)
        self.assignments = Repository(db, Assignment, author)
        self.scope_items = Repository(db, ScopeItem, author)
        self.change_requests = Repository(db, ChangeRequest, author)
        self.interactions = Repository(db, Interaction, author)
        self.nps = Repository(db, NpsResponse, author)
        self.budget_changes = Repository(db, BudgetChange, author)
        self.access_grants = Repository(db, AccessGrant, author)
        self.contact_changes = Repository(db, ContactChange, author)
        self.sign_states = Repository(db, SignState, author)
        self.snoozes = Repository(db, Snooze, author)
        self.activities = Repository(db, Activity, author)

    def repo(self, cls: type[T]) -> Repository[T]:
        repo: Repository[T] = getattr(self, TABLES[cls])
        return repo

    def load_agency(self) -> Agency:
        """Everything, as of now."""
        self.db.refresh()
        parts: dict[str, Any] = {name: tuple(self.db.tables[cls].values())
                                 for cls, name in TABLES.items()}
        return Agency(**parts)

    def is_empty(self) -> bool:
        self.db.refresh()
        return not any(self.db.tables.values())

    def replace_all(self, agency: Agency, source: str = "") -> None:
        """Make ``agency`` the whole content, in one write (the old content is backed up);
        ``source`` ("demo", "import") is what the audit trail says it was."""
        self.db.replace_all((r for name in TABLES.values() for r in getattr(agency, name)),
                            author=self.author, source=source)

    def compact(self) -> None:
        self.db.compact()

    def restore(self, backup: str) -> Restored:
        """Bring back a backup (a path, a name in backups/, or ``latest``) as the whole
        content, from whatever state the data file and journal are in (see
        ``storage/engine/recovery.py``): what was there is kept first, even damaged. ``latest`` is
        the newest backup that can be read; the unreadable ones it passed over are named."""
        passed_over: list[str] = []
        for source in backups.candidates(self.path, backup):
            try:
                meta, records = load_records(source, backups.read(source))
                break
            except NewerSchema:
                raise
            except StorageError as e:
                if backup != "latest":
                    raise
                passed_over.append(str(e))
        else:
            raise StorageError(f"nothing to restore: no backup in {backups.folder(self.path)} "
                               f"can be read (the newest: {passed_over[0]})")
        seq = meta.get("seq", 0)
        from storage.engine import recovery

        done = recovery.restore(self.db, source, records, seq if isinstance(seq, int) else 0,
                                self.author)
        return replace(done, passed_over=tuple(passed_over))
