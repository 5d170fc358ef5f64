"""Today's review as last computed, kept beside the data file so the app can show it at once.

Computing the review means reading every record (a third of a second at 100,000
interactions) and assessing every client. The result is stored with the identity of the
data file and journal it was computed from, the day and the thresholds; it is used only
when all four still match (so any save by anyone makes it stale), and rewritten by whoever
computes the review next. It is advisory: an unreadable cache is simply not used.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from storage.errors import StorageError
from storage.files import atomic_write
from tracker.review import ReviewItem

VERSION = 1


def cache_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".review")


def _key(token: object, today: date, thresholds: object) -> dict[str, Any]:
    return {"version": VERSION, "token": orjson.loads(orjson.dumps(token)),
            "today": today.isoformat(), "thresholds": repr(thresholds)}


def read(data_file: Path, token: object, today: date, thresholds: object,
         ) -> tuple[tuple[ReviewItem, ...], int] | None:
    """``(items, number of clients)`` if the cache matches exactly, else None."""
    try:
        doc = orjson.loads(cache_path(data_file).read_bytes())
        if doc.get("key") != _key(token, today, thresholds):
            return None
        items = tuple(ReviewItem(key=i["key"], client_id=i["client_id"], client=i["client"],
                                 kind=i["kind"], urgency=int(i["urgency"]), why=i["why"],
                                 due=date.fromisoformat(i["due"]) if i["due"] else None,
                                 subject=i["subject"]) for i in doc["items"])
        return items, int(doc["clients"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(data_file: Path, token: object, today: date, thresholds: object,
          items: tuple[ReviewItem, ...], clients: int, mode: int) -> None:
    doc = {"key": _key(token, today, thresholds), "clients": clients,
           "items": [{"key": i.key, "client_id": i.client_id, "client": i.client,
                      "kind": i.kind, "urgency": i.urgency, "why": i.why,
                      "due": i.due.isoformat() if i.due else None, "subject": i.subject}
                     for i in items]}
    if not data_file.parent.is_dir():
        return  # nothing saved yet: nothing worth caching
    with contextlib.suppress(OSError, StorageError):
        atomic_write(cache_path(data_file), orjson.dumps(doc), mode)
