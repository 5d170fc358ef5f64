"""The data file's format: what makes a file ours, and the errors that say it is not.

The one definition of a usable data file (:func:`check_base`), shared by the database, the
doctor and restore (which checks a backup the same way before it replaces anything).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from storage.codecs import DecodeError, decode_fast
from storage.engine.migrations import META, migrate
from storage.errors import StorageError
from storage.tables import TABLES

FORMAT = "scopekeeper"
SCHEMA_VERSION = 4
JOURNAL_FORMAT = "scopekeeper-journal"
#: What every refusal of damage ends with: the command that repairs it.
RESTORE_HINT = "'scopekeeper restore latest' brings back the newest backup"


class Damaged(StorageError):
    """The data file or journal is damaged: the message says what, then how to repair it."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem}; {RESTORE_HINT}")
        self.problem = problem


class NewerSchema(StorageError):
    """Written by a newer scopekeeper: not damage (a restore must not replace it)."""


def check_base(path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
    """Parse and check a data file's bytes; a clear one-line StorageError if unusable."""
    if not raw.strip():
        raise Damaged(f"{path}: the file is empty; refusing to treat it as a new database")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise Damaged(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise StorageError(f"{path}: not a TinyDB data file")
    meta = data.get(META)
    if not meta:
        raise StorageError(f"{path}: not a scopekeeper data file (no {META} table)")
    doc = meta.get("1") if isinstance(meta.get("1"), dict) else next(iter(meta.values()))
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise StorageError(f"{path}: not a scopekeeper data file")
    version = doc.get("schema")
    if not isinstance(version, int) or version < 1:
        raise StorageError(f"{path}: schema version missing or not a number")
    if version > SCHEMA_VERSION:
        raise NewerSchema(f"{path}: written by a newer scopekeeper (schema {version}, this "
                           f"one reads up to {SCHEMA_VERSION}); upgrade scopekeeper")
    data[META] = {"1": doc}
    return data


def load_records(path: Path, raw: bytes) -> tuple[dict[str, Any], dict[type, list[Any]]]:
    """Parse, migrate (in memory) and decode a whole data file; StorageError if unusable."""
    data = check_base(path, raw)
    version = data[META]["1"]["schema"]
    if version < SCHEMA_VERSION:
        data = migrate(data, version, SCHEMA_VERSION)
    records: dict[type, list[Any]] = {}
    for cls, name in TABLES.items():
        out: list[Any] = []
        records[cls] = out
        for doc_id, doc in data.get(name, {}).items():
            try:
                out.append(decode_fast(cls, doc))
            except DecodeError as e:
                raise StorageError(f"{path}: table {name!r}, document {doc_id}: {e}") from None
    return data[META]["1"], records
