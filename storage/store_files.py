"""Which files belong to the store: nothing else may ever be written onto them.

Beside ``agency.json`` the store keeps its journal, lock, audit trail, kept review and
review digest (``agency.json.<suffix>``), its writers' temp files (``.agency.json.*.tmp``)
and the ``backups/`` folder with everything in it. An export or a document written onto
any of them would destroy data or be taken for data (a file in ``backups/`` can become
``restore latest``), so :func:`store_file_at` is asked before every such write (``export
-o``, ``render -o``, the app's "save to file").

A path belongs to the store however it is spelt: relative, with ``..``, through a symlink
(to the file or to a directory on the way), or as a hard link to one of its files (same
device and inode).
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

from storage import audit, backups, review_cache, review_digest
from storage.errors import StorageError
from storage.files import journal_of, lock_of


class StoreFile(StorageError):
    """A write was aimed at one of the store's own files."""


def store_files(data_file: Path) -> dict[Path, str]:
    """The store's files beside ``data_file`` (existing or not), with what each one is."""
    return {data_file: "the data file", journal_of(data_file): "the data file's journal",
            lock_of(data_file): "the data file's lock file",
            audit.audit_path(data_file): "the data file's audit trail",
            review_cache.cache_path(data_file): "the data file's kept review",
            review_digest.digest_path(data_file): "the data file's review digest"}


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def store_file_at(target: Path, data_file: Path | None) -> str | None:
    """What of the store writing ``target`` would land on (e.g. "the data file's
    journal"), or None. ``data_file`` None: the data is in a database (storage.locations),
    which keeps no file here that a write could land on."""
    if data_file is None:
        return None
    where = _real(target)
    named = store_files(Path(os.path.abspath(data_file)))
    for path, what in named.items():
        # the file as named beside the data file, and wherever a link there points
        if where in (_real(path.parent) / path.name, _real(path)):
            return what
    folder = backups.folder(Path(os.path.abspath(data_file)))
    for spelt in {_real(folder), _real(folder.parent) / folder.name}:
        if where == spelt or spelt in where.parents:
            return "in the data file's backups folder"
    if where.parent == _real(data_file.parent) and fnmatch.fnmatchcase(
            where.name, f".{data_file.name}.*.tmp"):
        return "a temporary file of the data file's writers"
    return _same_inode(where, [*named, *_backups_inside(folder)], named)


def _backups_inside(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _same_inode(where: Path, owned: list[Path], named: dict[Path, str]) -> str | None:
    """A hard link to one of the store's files: same device and inode."""
    try:
        st = os.stat(where)
    except OSError:
        return None  # nothing there yet: no link to anything
    for path in owned:
        try:
            mine = os.stat(path)
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (st.st_dev, st.st_ino):
            what = named.get(path, f"backup {path.name}")
            return f"the same file as {what} (a hard link)"
    return None


def refuse_store_file(target: Path, data_file: Path | None) -> None:
    """Raise :class:`StoreFile` (one line) if ``target`` is one of the store's files."""
    what = store_file_at(target, data_file)
    if what is not None:
        raise StoreFile(f"{target}: refusing to write there: it is {what} ({data_file}); "
                        "choose another file name")
