"""The one place that opens the data file.

The file is plain TinyDB JSON, one table per record type plus ``_meta`` holding the format
marker and schema version. Reads open the file by path every time (no long-lived handle);
writes go to a temporary file in the same directory that is flushed, fsynced and renamed over
the data file, so the file is never seen half-written. Cross-process locking, revisions and
speed at scale are the storage issue's work; they plug in here without touching repositories.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from storage.errors import StorageError

FORMAT = "scopekeeper"
SCHEMA_VERSION = 1
META = "_meta"


class _NoCacheTable(Table):
    """Query results are never cached: another process may have changed the file."""

    default_query_cache_capacity = 0


class JsonFileStorage(Storage):
    """TinyDB storage that reads by path and replaces the file atomically on write."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StorageError(f"{self.path}: cannot read: {e.strerror}") from None
        if not raw.strip():
            raise StorageError(
                f"{self.path}: the file is empty; refusing to treat it as a new database "
                "(restore a backup or remove the file)")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise StorageError(f"{self.path}: not valid JSON ({e})") from None
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise StorageError(f"{self.path}: not a TinyDB data file")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        try:
            self._write(data)
        except OSError as e:
            raise StorageError(f"{self.path}: cannot write: {e.strerror or e}") from None

    def _write(self, data: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                   dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def close(self) -> None:
        return None


def check_meta(path: Path, data: dict[str, dict[str, Any]] | None) -> None:
    """Refuse files that are not ours or come from a newer scopekeeper."""
    if not data:
        return
    meta = data.get(META)
    if not meta:
        if any(data.values()):
            raise StorageError(f"{path}: not a scopekeeper data file (no {META} table)")
        return
    doc = next(iter(meta.values()))
    if doc.get("format") != FORMAT:
        raise StorageError(f"{path}: not a scopekeeper data file (format {doc.get('format')!r})")
    version = doc.get("schema")
    if not isinstance(version, int):
        raise StorageError(f"{path}: schema version missing or not a number")
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{path}: written by a newer scopekeeper (schema {version}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade scopekeeper")


def open_database(path: str | os.PathLike[str]) -> TinyDB:
    """Open (without creating) the data file at ``path``; raises StorageError if unusable."""
    p = Path(path)
    if p.exists() and p.is_dir():
        raise StorageError(f"{p}: is a directory, not a data file")
    db = TinyDB(p, storage=JsonFileStorage)
    db.table_class = _NoCacheTable
    check_meta(p, db.storage.read())
    return db


def meta_document() -> dict[str, Any]:
    return {"format": FORMAT, "schema": SCHEMA_VERSION}
