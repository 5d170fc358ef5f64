"""Repositories: one per record type, over the TinyDB file opened by ``database``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import Query, TinyDB

from storage.codecs import DecodeError, decode, encode
from storage.database import META, meta_document, open_database
from storage.errors import NotFound, StorageError
from tracker.models import (
    AccessGrant,
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
from tracker.validation import validate

T = TypeVar("T")

#: record type -> (table name, Agency field)
TABLES: dict[type, tuple[str, str]] = {
    Client: ("clients", "clients"),
    TeamMember: ("members", "members"),
    Assignment: ("assignments", "assignments"),
    ScopeItem: ("scope_items", "scope_items"),
    ChangeRequest: ("change_requests", "change_requests"),
    Interaction: ("interactions", "interactions"),
    NpsResponse: ("nps", "nps"),
    BudgetChange: ("budget_changes", "budget_changes"),
    AccessGrant: ("access_grants", "access_grants"),
    ContactChange: ("contact_changes", "contact_changes"),
    SignState: ("sign_states", "sign_states"),
    Snooze: ("snoozes", "snoozes"),
}


def _decode_table(path: Path, cls: type[T], table: str, docs: Iterable[Any]) -> list[T]:
    out = []
    for doc_id, doc in docs:
        try:
            out.append(decode(cls, doc))
        except DecodeError as e:
            raise StorageError(f"{path}: table {table!r}, document {doc_id}: {e}") from None
    return out


class Repository(Generic[T]):
    """Load and save one record type; records are found by their own ``id``."""

    def __init__(self, db: TinyDB, path: Path, cls: type[T]) -> None:
        self.cls = cls
        self.path = path
        self.name = TABLES[cls][0]
        self._db = db

    def _docs(self) -> list[tuple[str, Any]]:
        data = self._db.storage.read() or {}
        return list(data.get(self.name, {}).items())

    def all(self) -> tuple[T, ...]:
        return tuple(_decode_table(self.path, self.cls, self.name, self._docs()))

    def get(self, record_id: str) -> T:
        for doc_id, doc in self._docs():
            if isinstance(doc, dict) and doc.get("id") == record_id:
                return _decode_table(self.path, self.cls, self.name, [(doc_id, doc)])[0]
        raise NotFound(f"no {self.cls.__name__} with id {record_id!r}")

    def save(self, record: T) -> T:
        """Validate and insert or replace ``record`` (by id); nothing is written if invalid."""
        if type(record) is not self.cls:
            raise TypeError(f"{self.name} holds {self.cls.__name__}, not {type(record).__name__}")
        validate(record)
        _ensure_meta(self._db)
        self._db.table(self.name).upsert(encode(record), Query().id == record.id)  # type: ignore[attr-defined]
        return record

    def save_many(self, records: Iterable[T]) -> None:
        items = list(records)
        for r in items:
            validate(r)
        _ensure_meta(self._db)
        table = self._db.table(self.name)
        for r in items:
            table.upsert(encode(r), Query().id == r.id)  # type: ignore[attr-defined]

    def delete(self, record_id: str) -> None:
        removed = self._db.table(self.name).remove(Query().id == record_id)
        if not removed:
            raise NotFound(f"no {self.cls.__name__} with id {record_id!r}")


def _ensure_meta(db: TinyDB) -> None:
    meta = db.table(META)
    if not meta.all():
        meta.insert(meta_document())


class Store:
    """Every repository over one data file, plus whole-agency load and replace."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = open_database(self.path)
        self.clients = Repository(self.db, self.path, Client)
        self.members = Repository(self.db, self.path, TeamMember)
        self.assignments = Repository(self.db, self.path, Assignment)
        self.scope_items = Repository(self.db, self.path, ScopeItem)
        self.change_requests = Repository(self.db, self.path, ChangeRequest)
        self.interactions = Repository(self.db, self.path, Interaction)
        self.nps = Repository(self.db, self.path, NpsResponse)
        self.budget_changes = Repository(self.db, self.path, BudgetChange)
        self.access_grants = Repository(self.db, self.path, AccessGrant)
        self.contact_changes = Repository(self.db, self.path, ContactChange)
        self.sign_states = Repository(self.db, self.path, SignState)
        self.snoozes = Repository(self.db, self.path, Snooze)

    def repo(self, cls: type[T]) -> Repository[T]:
        repo: Repository[T] = getattr(self, TABLES[cls][1])
        return repo

    def load_agency(self) -> Agency:
        """Everything in the file, read once."""
        data = self.db.storage.read() or {}
        parts: dict[str, tuple[Any, ...]] = {
            field: tuple(_decode_table(self.path, cls, table, data.get(table, {}).items()))
            for cls, (table, field) in TABLES.items()
        }
        return Agency(**parts)

    def is_empty(self) -> bool:
        data = self.db.storage.read() or {}
        return not any(data.get(t) for t, _ in TABLES.values())

    def replace_all(self, agency: Agency) -> None:
        """Write ``agency`` as the whole content of the file, in one write."""
        data: dict[str, dict[str, Any]] = {META: {"1": meta_document()}}
        for table, field in TABLES.values():
            records = getattr(agency, field)
            docs: dict[str, Any] = {}
            for n, r in enumerate(records, start=1):
                validate(r)
                docs[str(n)] = encode(r)
            data[table] = docs
        self.db.storage.write(data)

    def close(self) -> None:
        self.db.close()


AGENCY_FIELDS = tuple(f.name for f in fields(Agency))
