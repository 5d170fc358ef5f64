"""Folding the journal into a new base: when it is due (the journal holds enough change
sets or bytes, or a backup is due) and how it is done — new base, the journal's entries to
the audit trail, a new journal, a backup of the result (``backups.py`` says why a copy,
never a hard link)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from storage import audit, backups
from storage.engine import base_file, journal
from storage.engine.base_file import Tables
from storage.engine.settings import Settings
from storage.files import identity

#: What a new base and journal are: the base's identity, the journal's inode and size.
Written = tuple[tuple[int, int, int] | None, int, int]


class Schedule:
    """When the next save should compact: the journal's size, and whether a backup is
    due (the backups folder is looked at once a minute, not at every save)."""

    def __init__(self, settings: Settings, place: backups.Place) -> None:
        self.settings = settings
        self.place = place
        self._backup_checked: tuple[float, bool] | None = None  # (monotonic time, due)

    def due(self, entries: int, journal_bytes: int) -> bool:
        """Is a compaction due with ``entries`` change sets, ``journal_bytes`` bytes?"""
        return (entries >= self.settings.compact_entries
                or journal_bytes >= self.settings.compact_bytes
                or self.backup_due())

    def backup_due(self) -> bool:
        now = time.monotonic()
        if self._backup_checked is None or now - self._backup_checked[0] >= 60:
            self._backup_checked = (now, backups.due(self.place, self.settings.backup_every))
        return self._backup_checked[1]

    def keep_backup(self) -> Path:
        """A backup of the data file as it is now (the last N are kept)."""
        kept = backups.keep(self.place)
        self._backup_checked = (time.monotonic(), False)
        return kept


def rewrite(path: Path, journal_path: Path, tables: Tables, seq: int, mode: int,
            created: datetime, folded: Callable[[], None] | None = None) -> Written:
    """Write every record as a new base (including all changes up to ``seq``) and start a
    new journal; ``folded`` runs in between, once the new base is in place."""
    crc = base_file.write(path, tables, seq, mode)
    base = identity(path)
    if folded is not None:
        folded()
    journal.start(journal_path, seq, mode, created, None if base is None else (base, crc))
    st = journal_path.stat()
    return base, st.st_ino, st.st_size


def fold(path: Path, journal_path: Path, audit_path: Path, tables: Tables, seq: int,
         mode: int, created: datetime) -> Written:
    """Fold the journal in: a new base holding ``tables``, the journal's entries in the
    audit trail, a new journal."""
    backups.check_folder(path)  # refused before anything is written
    entries = journal.entries(journal_path)
    # The journal's entries go to the audit trail once the new base holds them (a
    # compaction that fails writes nothing there) and before the journal is replaced
    # (a reader skips entries the base holds; one cut short is redone, never doubled).
    return rewrite(path, journal_path, tables, seq, mode, created,
                   lambda: audit.fold(audit_path, entries, mode))
