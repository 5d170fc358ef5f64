"""The base file (``NAME.json``): reading and checking it, decoding its tables into
records, writing every record as a new base, and migrating an older schema in place.

The base is plain TinyDB JSON (one table per record type, ``_meta`` with format, schema
and ``seq``, the last change it includes), only ever replaced atomically: stock TinyDB
and ``python -m json.tool`` open it. The bulk table (interactions) is written last, so that
a base this engine wrote can be read without it (:func:`split`, ``memory.py``).
"""

from __future__ import annotations

import zlib
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import orjson

from storage import backups
from storage.access import os_problem
from storage.codecs import DecodeError, decode_fast, fast_decoder
from storage.engine.formats import FORMAT, SCHEMA_VERSION, Damaged, check_base
from storage.engine.migrations import META, migrate
from storage.errors import StorageError
from storage.files import atomic_write, read_regular
from storage.tables import TABLES
from tracker.models import Interaction

Tables = dict[type, dict[str, Any]]
#: The table that holds nine in ten records: written last, read only when needed.
BULK: type = Interaction
_BULK_KEY = f',"{TABLES[BULK]}":'.encode()
#: Where a table is in a base's bytes: (the bytes, start, end).
Span = tuple[bytes, int, int]


def read(path: Path) -> dict[str, dict[str, Any]]:
    """The base's tables as parsed (checked to be a data file of ours)."""
    return check_base(path, read_bytes(path))


def read_bytes(path: Path) -> bytes:
    try:
        return read_regular(path)
    except OSError as e:
        raise StorageError(os_problem(e, path, "read")) from None


def parse(path: Path, raw: bytes,
          crc: int | None) -> tuple[dict[str, dict[str, Any]], Span | None]:
    """The base's tables as parsed and checked; when this engine wrote it (``crc``: the
    checksum of what it wrote, which ``raw`` must have: no bit of it changed since), all
    but the bulk table, whose place in ``raw`` is given instead (see :func:`split`)."""
    ours = crc is not None and zlib.crc32(raw) == crc
    parts = split(path, raw) if ours else None
    return parts if parts is not None else (check_base(path, raw), None)


def split(path: Path, raw: bytes) -> tuple[dict[str, dict[str, Any]], Span] | None:
    """The base's tables as parsed but the bulk one, and the bulk one's bytes — for a base
    this engine wrote (the caller knows: see ``journal.base_of``), where the bulk table is
    the last one; None if it is not (then parse it whole).

    Sound for any bytes: the bulk table's key cannot occur inside a string (its quotes
    would be escaped there), the head closed by ``{}}`` parses only if the key was found
    at the top level, and the tail must itself be one JSON object — so the two parts are
    what parsing the whole would have given."""
    at = raw.find(_BULK_KEY)
    if at < 0 or not raw.endswith(b"}"):
        return None
    start = at + len(_BULK_KEY)
    try:
        data = check_base(path, raw[:start] + b"{}}")
    except StorageError:
        return None
    if list(data)[-1] != TABLES[BULK] or data[TABLES[BULK]]:
        return None
    return data, (raw, start, len(raw) - 1)


def parse_table(path: Path, raw: memoryview, name: str) -> dict[str, Any]:
    """One table's documents from its bytes (a JSON object), as :func:`split` left them."""
    try:
        docs = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise Damaged(f"{path}: not valid JSON in table {name!r} ({e})") from None
    if not isinstance(docs, dict):
        raise StorageError(f"{path}: not a TinyDB data file")
    return docs


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
    return {cls: decode_table(path, cls, data.pop(name, {})) for cls, name in TABLES.items()}


def decode_table(path: Path, cls: type, docs: dict[str, Any]) -> dict[str, Any]:
    """One table's records by id (``docs`` is emptied on the way)."""
    decode_doc: Any = fast_decoder(cls)
    try:
        decoded = [decode_doc(doc) for doc in docs.values()]
    except DecodeError:
        decoded = [_decode_or_explain(path, cls, TABLES[cls], i, d) for i, d in docs.items()]
    docs.clear()
    return {r.id: r for r in decoded}


def _decode_or_explain(path: Path, cls: type, table: str, doc_id: str, doc: Any) -> Any:
    try:
        return decode_fast(cls, doc)
    except DecodeError as e:
        raise StorageError(f"{path}: table {table!r}, document {doc_id}: {e}") from None


def write(path: Path, tables: Tables, seq: int, mode: int) -> int:
    """Replace the base by every record of ``tables``, as including changes up to ``seq``;
    returns the crc32 of what was written."""
    data: dict[str, Any] = {META: {"1": {"format": FORMAT, "schema": SCHEMA_VERSION,
                                        "seq": seq}}}
    # the bulk table last: see split()
    for cls in sorted(TABLES, key=lambda cls: cls is BULK):
        data[TABLES[cls]] = {str(n): r for n, r in enumerate(tables[cls].values(), start=1)}
    raw = orjson.dumps(data)
    atomic_write(path, raw, mode)
    return zlib.crc32(raw)


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
