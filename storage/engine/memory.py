"""The records in memory, by type, each table decoded only when something needs it — and
the bulk of them (the interactions) not even parsed until then.

Interactions are nine in ten records: parsing and decoding them is most of what opening a
data file costs, and a quick write (``scopekeeper log``, ``nps``, ``budget``…) needs none
of them — only to know that its new id is not taken — and one or two of the other tables.
So when the base is one this engine wrote itself and its bytes are unchanged since
(``base_file.parse`` says when: it was written from records that were checked, so nothing
in it can be refused), a table stays as parsed documents (the bulk one: as bytes) until it
is asked for; the journal's changes to it wait in ``_pending``. Whoever asks (a full read,
a compaction, a save of an existing interaction) gets it decoded and brought up to date
with those changes, exactly as a full read would have made it. Any other base arrives
decoded whole, as it always did.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storage.engine import base_file
from storage.engine.base_file import BULK, Span, Tables
from storage.ids import is_id
from storage.tables import TABLES
from tracker.record_types import Record


def of_base(path: Path, data: dict[str, dict[str, Any]], bulk: Span | None) -> Memory:
    """The records of a base as ``base_file.parse`` gave it: decoded whole, or (a base this
    engine wrote: ``bulk`` is given) each table on first use."""
    if bulk is None:
        return Memory(path, base_file.decode(path, data))
    return Memory(path, docs={cls: data.pop(name, {}) for cls, name in TABLES.items()
                              if cls is not BULK}, bulk=bulk)


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Building 100,000 records sets off the cyclic collector dozens of times for nothing
    (records hold no cycles): pausing it saves a third of the time. Afterwards the records,
    which live long, are kept out of every later collection (or each one walks them all:
    pauses the UI feels)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


class Memory:
    """Every record by type and id. ``tables``: decoded ones; ``docs``: tables as parsed
    from a base this engine wrote, decoded on first use; ``bulk``: where the bulk table's
    JSON object is in that base's bytes, parsed on first use."""

    def __init__(self, path: Path, tables: Tables | None = None,
                 docs: dict[type, dict[str, Any]] | None = None,
                 bulk: Span | None = None) -> None:
        self.path = path
        self._tables: Tables = tables if tables is not None else {
            cls: {} for cls in TABLES if cls not in (docs or {}) and not (
                cls is BULK and bulk is not None)}
        self._docs = docs or {}
        self._bulk = bulk
        #: the journal's changes to each table not read yet
        self._pending: dict[type, dict[str, Record | None]] = {}
        # the app reads on a worker thread while its own saves are applied: a table goes
        # from documents to records once, with no change applied to the half-way state
        self._reading = threading.RLock()

    @property
    def tables(self) -> Tables:
        """Every table, decoded (those not read yet are read now)."""
        self.read_all()
        return self._tables

    def table(self, cls: type) -> dict[str, Any]:
        """One table's records by id (read now if it was not yet)."""
        with self._reading:
            self._read(cls)
            return self._tables[cls]

    def find(self, cls: type, record_id: str) -> Any:
        """The stored record ``record_id`` of type ``cls``, or None."""
        with self._reading:
            if cls is BULK and self._bulk is not None:
                pending = self._pending.get(cls, {})
                if record_id in pending:
                    return pending[record_id]
                # The base was written by this engine (orjson): an id of the allowed
                # alphabet is written as it is, so bytes without it hold no record with it.
                raw, start, end = self._bulk
                if is_id(record_id) and raw.find(f'"{record_id}"'.encode(), start, end) < 0:
                    return None
            self._read(cls)
            return self._tables[cls].get(record_id)

    def put(self, record: Record) -> None:
        with self._reading:
            self._change(type(record), record.id, record)

    def drop(self, cls: type, record_id: str) -> None:
        with self._reading:
            self._change(cls, record_id, None)

    def _change(self, cls: type, record_id: str, record: Record | None) -> None:
        if cls in self._tables:
            if record is None:
                self._tables[cls].pop(record_id, None)
            else:
                self._tables[cls][record_id] = record
        else:
            self._pending.setdefault(cls, {})[record_id] = record

    def is_empty(self) -> bool:
        return not any(self.table(cls) for cls in sorted(TABLES, key=lambda c: c is BULK))

    def read_all(self) -> None:
        """Read every table not read yet."""
        with self._reading:
            for cls in TABLES:
                self._read(cls)

    def _read(self, cls: type) -> None:
        if cls in self._tables:
            return
        with quiet_gc():
            if cls is BULK and self._bulk is not None:
                raw, start, end = self._bulk
                docs = base_file.parse_table(self.path, memoryview(raw)[start:end],
                                             TABLES[BULK])
            else:
                docs = self._docs.get(cls, {})
            records = base_file.decode_table(self.path, cls, docs)
        if cls is BULK:
            self._bulk = None  # (only once read: a table that cannot be is never empty)
        self._docs.pop(cls, None)
        for record_id, record in self._pending.pop(cls, {}).items():
            if record is None:
                records.pop(record_id, None)
            else:
                records[record_id] = record
        self._tables[cls] = records
