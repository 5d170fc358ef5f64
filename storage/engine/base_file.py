"""The base file (``NAME.json``): reading and checking it, decoding its tables into
records, writing every record as a new base, and migrating an older schema in place.

The base is plain TinyDB JSON (one table per record type, ``_meta`` with format, schema
and ``seq``, the last change it includes), only ever replaced atomically: stock TinyDB
and ``python -m json.tool`` open it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import orjson

from storage import backups
from storage.access import os_problem
from storage.codecs import DecodeError, decode_fast, fast_decoder
from storage.engine.formats import FORMAT, SCHEMA_VERSION, check_base
from storage.engine.migrations import META, migrate
from storage.errors import StorageError
from storage.files import atomic_write, read_regular
from storage.tables import TABLES

Tables = dict[type, dict[str, Any]]


def read(path: Path) -> dict[str, dict[str, Any]]:
    """The base's tables as parsed (checked to be a data file of ours)."""
    try:
        raw = read_regular(path)
    except OSError as e:
        raise StorageError(os_problem(e, path, "read")) from None
    return check_base(path, raw)


def schema_of(data: dict[str, dict[str, Any]]) -> int:
    version: int = data[META]["1"]["schema"] if META in data else SCHEMA_VERSION
    return version


def seq_of(data: dict[str, dict[str, Any]]) -> int:
    """The last change the base includes."""
    seq: int = data[META]["1"].get("seq", 0)
    return seq


def decode(path: Path, data: dict[str, dict[str, Any]]) -> Tables:
    """Every table's records by id (``data`` is emptied on the way: 100,000 documents
    need not be held twice)."""
    tables: Tables = {}
    for cls, name in TABLES.items():
        docs = data.pop(name, {})
        decode_doc: Any = fast_decoder(cls)
        try:
            decoded = [decode_doc(doc) for doc in docs.values()]
        except DecodeError:
            decoded = [_decode_or_explain(path, cls, name, i, d) for i, d in docs.items()]
        docs.clear()
        tables[cls] = {r.id: r for r in decoded}
    return tables


def _decode_or_explain(path: Path, cls: type, table: str, doc_id: str, doc: Any) -> Any:
    try:
        return decode_fast(cls, doc)
    except DecodeError as e:
        raise StorageError(f"{path}: table {table!r}, document {doc_id}: {e}") from None


def write(path: Path, tables: Tables, seq: int, mode: int) -> None:
    """Replace the base by every record of ``tables``, as including changes up to ``seq``."""
    data: dict[str, Any] = {META: {"1": {"format": FORMAT, "schema": SCHEMA_VERSION,
                                        "seq": seq}}}
    for cls, name in TABLES.items():
        data[name] = {str(n): r for n, r in enumerate(tables[cls].values(), start=1)}
    atomic_write(path, orjson.dumps(data), mode)


def migrate_in_place(path: Path, place: backups.Place,
                     held: AbstractContextManager[object]) -> None:
    """Bring an older base up to this schema, after keeping a copy of it in ``backups/``;
    ``held`` is the writers' lock (or nothing, when the caller holds it already)."""
    with held:
        data = read(path)
        version = data[META]["1"]["schema"]
        if version >= SCHEMA_VERSION:
            return  # someone else migrated it meanwhile
        backups.copy_before(place, f"schema{version}")
        new = migrate(data, version, SCHEMA_VERSION)
        atomic_write(path, orjson.dumps(new), place.mode)
