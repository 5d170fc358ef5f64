"""Rolling backups of the data file in ``backups/`` beside it: the last N are kept.

A backup is a complete data file (the base right after a compaction, so it includes every
change), named ``<stem>.<UTC time>[.<why>].json``. It is an independent copy, never a hard
link: a link shares the file's bytes, so a tool that writes the data file in place (``cp``
onto it, ``> agency.json``, stock TinyDB, an editor) would damage the newest backup with it
— exactly the damage backups exist for.

A restore from a damaged state first keeps that state as it was, beside the backups:
``<stem>.<UTC time>.damaged`` (the data file's bytes) and ``….damaged.journal``. They are
not backups (``latest`` never picks them, pruning never removes them); they are there so
that nothing that was on disk is lost, even damaged.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.access import os_problem
from storage.errors import StorageError
from storage.files import (
    MAX_DATA_BYTES,
    Privacy,
    copy_file,
    fsync_dir,
    journal_of,
    make_dirs,
    read_regular,
)

_STAMP = "%Y%m%dT%H%M%S%fZ"
DAMAGED = "damaged"


class NoSuchBackup(StorageError):
    """The backup a person named is not there: bad input (exit 2), not a bad store."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    """What backups need to know of a data file: where it and its trail are, how its files
    are written, how many backups to keep and the store's clock (never the store itself)."""

    data_file: Path
    audit_file: Path
    mode: int
    privacy: Privacy
    keep: int
    now: Callable[[], datetime]

    @property
    def folder(self) -> Path:
        return folder(self.data_file)


def folder(data_file: Path) -> Path:
    return data_file.parent / "backups"


def folder_problem(data_file: Path) -> str:
    """What makes ``backups/`` unusable ('' if nothing): a symbolic link is never followed
    (pruning through one once deleted files of the folder it led to), nor is a file."""
    where = folder(data_file)
    if where.is_symlink():
        return (f"{where}: is a symbolic link (to {os.readlink(where)}); backups are kept "
                "in a real folder only")
    if os.path.lexists(where) and not where.is_dir():
        return f"{where}: is not a folder; backups are kept in a folder of that name"
    return ""


def check_folder(data_file: Path) -> None:
    """Refuse (one line) a ``backups/`` that is not a real folder: nothing is written."""
    problem = folder_problem(data_file)
    if problem:
        raise StorageError(f"{problem}: remove it (rm -- {folder(data_file)}) and run "
                           "'scopekeeper compact'")


def _named(data_file: Path) -> re.Pattern[str]:
    """The names this app gives backups: ``<stem>.<UTC time>[.<why>].json``."""
    return re.compile(re.escape(data_file.stem) + r"\.\d{8}T\d{12}Z(\.[a-z0-9]+)?\.json")


def _regular(path: Path) -> bool:
    """A regular file itself (a link is not looked through)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def listing(data_file: Path) -> list[Path]:
    """The backups of ``data_file``, oldest first: what has the names this app gives them,
    in a real ``backups/`` folder (reading one says if it is not a regular file)."""
    where = folder(data_file)
    if folder_problem(data_file) or not where.is_dir():
        return []
    named = _named(data_file)
    try:
        return sorted((p for p in where.iterdir() if named.fullmatch(p.name)),
                      key=lambda p: p.name)
    except OSError as e:  # a folder this person may not read
        raise StorageError(os_problem(e, where, "read")) from None


def damaged_copies(data_file: Path) -> list[Path]:
    """What restores kept of damaged states (see the module doc), oldest first."""
    where = folder(data_file)
    if folder_problem(data_file) or not where.is_dir():
        return []
    return sorted(where.glob(f"{data_file.stem}.*.{DAMAGED}*"), key=lambda p: p.name)


def candidates(data_file: Path, name: str) -> list[Path]:
    """The backup(s) ``name`` may mean, to try in order: for ``latest`` every backup, newest
    first (a damaged newest one is passed over); else the one given as a path (``~``
    already expanded by the caller) or as a file name in the backups folder."""
    kept = listing(data_file)
    if name == "latest":
        check_folder(data_file)
        if not kept:
            raise StorageError(
                f"nothing to restore: there are no backups in {folder(data_file)} (one is "
                "kept at every compaction); give a copy of the data file kept elsewhere: "
                "scopekeeper restore FILE")
        return kept[::-1]
    for candidate in (Path(name), folder(data_file) / name):
        try:
            candidate.stat()  # reading it says what is wrong if it is not a file
        except FileNotFoundError:
            continue
        except OSError:
            pass  # not to be reached (a folder closed to this person): reading says so
        return [candidate]
    names = ", ".join(p.name for p in kept[-5:]) or "none yet"
    raise NoSuchBackup(f"no backup {name!r} (latest backups: {names})")


def read(backup: Path) -> bytes:
    """A backup's bytes: a regular file of bounded size only."""
    try:
        return read_regular(backup, MAX_DATA_BYTES)
    except OSError as e:
        raise StorageError(os_problem(e, backup, "read")) from None


def _target(place: Place, tag: str = "", suffix: str = ".json", stamp: str = "") -> Path:
    stamp = stamp or place.now().astimezone(UTC).strftime(_STAMP)
    return place.folder / f"{place.data_file.stem}.{stamp}{'.' + tag if tag else ''}{suffix}"


def taken_at(backup: Path, data_file: Path) -> datetime | None:
    """When a backup was taken, from its name (written with the store's own clock)."""
    rest = backup.name.removeprefix(f"{data_file.stem}.")
    try:
        return datetime.strptime(rest.split(".")[0], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None  # not one of ours by name


def due(place: Place, every: timedelta) -> bool:
    """True when the newest backup is older than ``every``. Its age is read from its name,
    not the file's time: both come from the same clock."""
    found = listing(place.data_file)
    taken = taken_at(found[-1], place.data_file) if found else None
    newest = taken.timestamp() if taken else found[-1].stat().st_mtime if found else 0.0
    return place.now().timestamp() - newest > every.total_seconds()


def _make_folder(place: Place) -> None:
    check_folder(place.data_file)
    make_dirs(place.folder, place.privacy)


def keep(place: Place) -> Path:
    """Keep a copy of the current base as a backup, then drop all but the newest N."""
    _make_folder(place)
    target = _target(place)
    copy_file(place.data_file, target, place.mode)
    _keep_trail(place, target)
    prune(place)
    return target


def copy_before(place: Place, tag: str) -> Path:
    """A copy of the data file as it is now, before something changes it in place."""
    _make_folder(place)
    target = _target(place, tag)
    copy_file(place.data_file, target, place.mode)
    prune(place)
    return target


def keep_damaged(place: Place) -> tuple[Path, ...]:
    """Keep the data file and journal exactly as they are (see the module doc), before a
    restore replaces them. Both are about to be replaced by a rename, never written in
    place, so a hard link keeps their bytes at no cost; a copy where a link is refused."""
    _make_folder(place)
    kept = []
    stamp = place.now().astimezone(UTC).strftime(_STAMP)  # one name for the pair
    for source, suffix in ((place.data_file, ""), (journal_of(place.data_file), ".journal")):
        if not source.is_file():
            continue  # missing (or not a file at all: nothing to keep of it)
        target = _target(place, DAMAGED, suffix, stamp)
        try:
            os.link(source, target, follow_symlinks=False)
        except OSError as e:
            if e.errno == errno.EEXIST:
                raise
            copy_file(source, target, place.mode)
        kept.append(target)
    if kept:
        fsync_dir(place.folder)
    return tuple(kept)


def _keep_trail(place: Place, backup: Path) -> None:
    """A copy of the audit trail as it is now, beside the backup (``<backup>.audit``)."""
    if place.audit_file.exists():
        copy_file(place.audit_file, backup.with_name(backup.name + ".audit"), place.mode)


def prune(place: Place) -> None:
    """Drop all but the newest N backups, and copies a killed writer left half made (only
    called under the store's lock, so no copy is being made now). Only regular files with
    the names this app gives them, in a real folder: nothing else is ever removed."""
    check_folder(place.data_file)
    found = [p for p in listing(place.data_file) if _regular(p)]
    for old in found[: max(0, len(found) - place.keep)]:
        old.unlink(missing_ok=True)
        trail = old.with_name(old.name + ".audit")
        if _regular(trail):
            trail.unlink(missing_ok=True)
    half_made = re.compile(r"\." + re.escape(place.data_file.stem)
                           + r"\.\d{8}T\d{12}Z(\.[a-z0-9]+)*\.[a-z0-9_]+\.tmp")
    for tmp in place.folder.iterdir():
        if half_made.fullmatch(tmp.name) and _regular(tmp):
            tmp.unlink(missing_ok=True)
