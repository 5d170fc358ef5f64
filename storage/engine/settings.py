"""How the engine is tuned (:class:`Settings`: backups, compaction, lock timeout, sharing)
and how it writes the time into its files (:func:`stamp`, :func:`utc_now`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


def utc_now() -> datetime:
    """The real instant: the default clock of the audit trail and the backups' names (the
    composition root hands in its own; see ``scopekeeper/host.py``)."""
    return datetime.now(UTC)


def stamp(instant: datetime) -> str:
    """An instant as the journal and the audit trail write it (UTC, to the second)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Settings:
    backups: int = 10  # rolling backups kept
    backup_every: timedelta = timedelta(hours=24)  # a backup is due after this long
    compact_entries: int = 2000  # fold the journal in after this many change sets ...
    compact_bytes: int = 8 * 1024 * 1024  # ... or this many bytes
    lock_timeout: float = 10.0
    shared: bool | None = None  # None: shared when the directory is setgid + group-writable
    allow_network_fs: bool = False
    #: The real instant (never a moved day: backups are ordered by the time in their names).
    now: Callable[[], datetime] = utc_now
