"""Which table of the data file holds which record type (from :mod:`tracker.record_types`,
where the record types are listed once)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tracker.models import Agency
from tracker.record_types import RECORD_TYPES, Record

#: record type -> table name (also the matching field of tracker.models.Agency)
TABLES: dict[type, str] = {t.cls: t.table for t in RECORD_TYPES}

TABLE_OF: dict[str, type] = {name: cls for cls, name in TABLES.items()}


def records_in(content: Agency | Iterable[Record]) -> Iterator[Record]:
    """Every record of an agency, table by table, or of a stream of records as it comes
    (what ``Storage.replace_all`` takes: a stream need not be held whole)."""
    if isinstance(content, Agency):
        for name in TABLES.values():
            yield from getattr(content, name)
    else:
        yield from content
