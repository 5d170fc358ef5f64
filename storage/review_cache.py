"""Today's review as last computed, kept beside the data file so the app can show it at once.

Computing the review means reading every record (a third of a second at 100,000
interactions) and assessing every client. The result is stored with the identity of the
data file and journal it was computed from, the day and the thresholds; it is used only
when all four still match (so any save by anyone makes it stale), and rewritten by whoever
computes the review next. The app also shows a stale one of the same day, marked as
updating, for the moment it takes to read the records. It is advisory: an unreadable cache
is simply not used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from storage.errors import StorageError
from storage.files import atomic_write, data_token, make_dirs, read_regular
from storage.snapshot import Cover, Snapshot, item_doc, item_of
from tracker.review_items import ReviewItem

VERSION = 4

#: A kept review is read only up to this size (a regular file only: a FIFO put in its
#: place must not hang the app's start). 5,000 clients' review is about 0.5 MB.
MAX_KEPT = 64 * 1024 * 1024


def cache_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".review")


def _key(thresholds: object) -> dict[str, Any]:
    return {"version": VERSION, "thresholds": repr(thresholds)}


def _plain(token: object) -> object:
    return orjson.loads(orjson.dumps(token))  # tuples as JSON has them: lists


def peek(data_file: Path, today: date, thresholds: object, *, stale_ok: bool = False,
         ) -> Snapshot | None:
    """The kept review for ``today`` and these thresholds as a partial snapshot, without
    reading any record. Unless ``stale_ok``, only if nobody saved since it was computed."""
    return _read(cache_path(data_file), today, thresholds,
                 lambda doc: doc.get("token") != _plain(data_token(data_file)), stale_ok)


def peek_copy(copy: Path, today: date, thresholds: object) -> Snapshot | None:
    """A database's review for ``today`` as this person's session last read it (``copy``,
    kept by :func:`write_copy`), without connecting: always marked stale, since only the
    database can say whether anyone saved since."""
    return _read(copy, today, thresholds, lambda _: True, stale_ok=True)


def _read(path: Path, today: date, thresholds: object, is_stale: Callable[[Any], bool],
          stale_ok: bool) -> Snapshot | None:
    try:
        doc = orjson.loads(read_regular(path, MAX_KEPT))
        if doc.get("key") != _key(thresholds):
            return None
        day = doc["days"].get(today.isoformat())
        if day is None:
            return None
        stale = is_stale(doc)
        if stale and not stale_ok:
            return None
        items = tuple(item_of(i) for i in day)
        team = tuple(Cover(name=str(t["name"]), login=str(t["login"]),
                           clients=tuple(str(c) for c in t["clients"]))
                     for t in doc.get("team", ()))
        return Snapshot(today=today, review=items, clients=int(doc["clients"]), stale=stale,
                        team=team)
    except (OSError, StorageError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(data_file: Path, token: object, thresholds: object,
          days: dict[date, tuple[ReviewItem, ...]], clients: int, mode: int,
          team: tuple[Cover, ...] = ()) -> None:
    """Keep the review of each of ``days`` (today's, and tomorrow's when it was computed
    ahead: the first digest of the morning then finds it ready)."""
    doc = _doc(token, thresholds, days, clients, team)
    if not data_file.parent.is_dir():
        return  # nothing saved yet: nothing worth caching
    with contextlib.suppress(OSError, StorageError):
        atomic_write(cache_path(data_file), orjson.dumps(doc), mode)


def _doc(token: object, thresholds: object, days: dict[date, tuple[ReviewItem, ...]],
         clients: int, team: tuple[Cover, ...]) -> dict[str, Any]:
    return {"key": _key(thresholds), "token": _plain(token), "clients": clients,
            "team": [{"name": t.name, "login": t.login, "clients": list(t.clients)}
                     for t in team],
            "days": {d.isoformat(): [item_doc(i) for i in items] for d, items in days.items()}}


def write_copy(copy: Path, snap: Snapshot, thresholds: object) -> None:
    """Keep today's review of a database, as read, in this person's own ``copy`` (0600):
    the next start shows it at once, marked as updating, while the database is asked."""
    clients = snap.clients if snap.partial else len(snap.agency.clients)
    with contextlib.suppress(OSError, StorageError):
        make_dirs(copy.parent)
        atomic_write(copy, orjson.dumps(_doc(None, thresholds, {snap.today: snap.review},
                                             clients, snap.team)), 0o600)
