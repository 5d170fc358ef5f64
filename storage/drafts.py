"""Unsaved forms kept when the connection drops, offered back the next time.

A hang-up (SIGHUP: the SSH connection dropped) or SIGTERM closes the app cleanly; any form
still open is written here first, one small JSON file per form, private to its owner
(``$XDG_STATE_HOME/scopekeeper/drafts``, ``~/.local/state/...``). Opening the same form
again fills it in; saving or discarding it removes the draft.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.errors import StorageError
from storage.files import PRIVATE, atomic_write, make_dirs
from storage.paths import drafts_dir as drafts_dir

Values = dict[str, str | bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    title: str
    values: Values
    saved: str  # local time, "2026-11-24 09:41"
    data_file: str


def _file(folder: Path, data_file: str, title: str) -> Path:
    digest = hashlib.sha256(f"{data_file}\0{title}".encode()).hexdigest()[:20]
    return folder / f"{digest}.json"


def save(folder: Path, data_file: str, title: str, values: Values, now: datetime) -> Path:
    path = _file(folder, data_file, title)
    make_dirs(folder)  # and ~/.local/state/scopekeeper...: 0700, whatever the umask
    doc = {"title": title, "values": values, "saved": f"{now:%Y-%m-%d %H:%M}",
           "data_file": data_file}
    atomic_write(path, json.dumps(doc).encode("utf-8"), PRIVATE)
    return path


def _read(path: Path) -> Draft | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        values = {str(k): v for k, v in doc["values"].items() if isinstance(v, str | bool)}
        return Draft(title=str(doc["title"]), values=values, saved=str(doc["saved"]),
                     data_file=str(doc["data_file"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged draft is not worth an error


def load(folder: Path, data_file: str, title: str) -> Draft | None:
    return _read(_file(folder, data_file, title))


def discard(folder: Path, data_file: str, title: str) -> None:
    try:
        _file(folder, data_file, title).unlink(missing_ok=True)
    except OSError as e:
        raise StorageError(f"{folder}: cannot remove a draft: {e.strerror}") from None


def pending(folder: Path, data_file: str) -> list[Draft]:
    """Drafts kept for this data file, oldest first."""
    if not folder.is_dir():
        return []
    found = [d for p in sorted(folder.glob("*.json")) if (d := _read(p)) is not None
             and d.data_file == data_file]
    return sorted(found, key=lambda d: d.saved)
