"""Which backend keeps the agency's records: the one place a :class:`storage.contract.Storage`
is opened. A ``postgresql://`` (or ``postgres://``) location is a PostgreSQL database
(``storage.postgres``); anything else is the TinyDB data file (``storage.repositories.Store``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from storage.contract import Storage
from storage.engine.settings import Settings
from storage.locations import is_database_url
from storage.repositories import Store
from tracker.settings import Thresholds


def open_storage(location: str | Path, *, author: str, clock: Callable[[], date],
                 thresholds: Thresholds, settings: Settings | None = None,
                 lazy: bool = False) -> Storage:
    """The records at ``location`` for ``author``; ``lazy``: read (or connect) on first
    use."""
    if isinstance(location, str) and is_database_url(location):
        # imported here: the driver costs the TinyDB engine's every start ~30 ms otherwise
        from storage.postgres.store import PgStore

        tuned = settings or Settings()
        return PgStore(location, author=author, lazy=lazy, thresholds=thresholds,
                       now=tuned.now, lock_timeout=tuned.lock_timeout)
    return Store(location, settings, author=author, lazy=lazy, thresholds=thresholds,
                 clock=clock)
