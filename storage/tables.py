"""Which table of the data file holds which record type (from :mod:`tracker.record_types`,
where the record types are listed once)."""

from __future__ import annotations

from tracker.record_types import RECORD_TYPES

#: record type -> table name (also the matching field of tracker.models.Agency)
TABLES: dict[type, str] = {t.cls: t.table for t in RECORD_TYPES}

TABLE_OF: dict[str, type] = {name: cls for cls, name in TABLES.items()}
