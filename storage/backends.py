"""Which backend keeps the agency's records: the one place a :class:`storage.contract.Storage`
is opened. Today always the TinyDB data file (``storage.repositories.Store``); issue 16
chooses PostgreSQL here for a ``postgresql://`` location."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from storage.contract import Storage
from storage.engine.settings import Settings
from storage.repositories import Store
from tracker.settings import Thresholds


def open_storage(location: str | Path, *, author: str, clock: Callable[[], date],
                 thresholds: Thresholds, settings: Settings | None = None,
                 lazy: bool = False) -> Storage:
    """The records at ``location`` for ``author``; ``lazy``: read on first use."""
    return Store(location, settings, author=author, lazy=lazy, thresholds=thresholds,
                 clock=clock)
