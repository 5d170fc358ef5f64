"""The records in memory, by type, with the bulk of them (the interactions) left as the
base's bytes until something needs them.

Interactions are nine in ten records: parsing and decoding them is most of what opening a
data file costs, and a quick write (``scopekeeper log``, ``nps``, ``budget``…) needs none
of them — only to know that its new id is not taken. So when the base is one this engine
wrote itself (``base_file.split`` says when), the interactions stay bytes; the journal's
changes to them wait in ``_pending``; whoever asks for the table (a full read, a
compaction, a save of an existing interaction) gets it parsed, decoded and brought up to
date with those changes, exactly as a full read would have made it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storage.engine import base_file
from storage.engine.base_file import Tables
from storage.ids import is_id
from storage.tables import TABLES
from tracker.models import Interaction
from tracker.record_types import Record

BULK: type = Interaction


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
    """Every record by type and id; the bulk table possibly still unread (``bulk``: the
    base's bytes and where in them the bulk table's JSON object is)."""

    def __init__(self, path: Path, tables: Tables | None = None,
                 bulk: base_file.Span | None = None) -> None:
        self.path = path
        self._tables: Tables = tables if tables is not None else {cls: {} for cls in TABLES}
        self._bulk = bulk
        self._pending: dict[str, Record | None] = {}  # the journal's changes to the unread

    @property
    def tables(self) -> Tables:
        """Every table, decoded (the bulk one read now if it was not yet)."""
        self.read_all()
        return self._tables

    def table(self, cls: type) -> dict[str, Any]:
        """One table's records by id (only the bulk one may need reading)."""
        if cls is BULK:
            self.read_all()
        return self._tables[cls]

    def find(self, cls: type, record_id: str) -> Any:
        """The stored record ``record_id`` of type ``cls``, or None."""
        if cls is BULK and self._bulk is not None:
            if record_id in self._pending:
                return self._pending[record_id]
            # The base was written by this engine (orjson): an id of the allowed alphabet
            # is written as it is, so bytes without it cannot hold a record with it.
            raw, start, end = self._bulk
            if is_id(record_id) and raw.find(f'"{record_id}"'.encode(), start, end) < 0:
                return None
            self.read_all()
        return self._tables[cls].get(record_id)

    def put(self, record: Record) -> None:
        if type(record) is BULK and self._bulk is not None:
            self._pending[record.id] = record
        else:
            self._tables[type(record)][record.id] = record

    def drop(self, cls: type, record_id: str) -> None:
        if cls is BULK and self._bulk is not None:
            self._pending[record_id] = None
        else:
            self._tables[cls].pop(record_id, None)

    def is_empty(self) -> bool:
        return not any(self._tables[cls] for cls in TABLES if cls is not BULK) and \
            not self.table(BULK)

    def read_all(self) -> None:
        """Read the bulk table if it was not yet (a damaged one raises here)."""
        if self._bulk is None:
            return
        with quiet_gc():
            raw, start, end = self._bulk
            docs = base_file.parse_table(self.path, memoryview(raw)[start:end], TABLES[BULK])
            records = base_file.decode_table(self.path, BULK, docs)
        for record_id, record in self._pending.items():
            if record is None:
                records.pop(record_id, None)
            else:
                records[record_id] = record
        self._tables[BULK] = records
        self._bulk = None
        self._pending = {}
