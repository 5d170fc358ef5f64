"""Rolling backups of the data file in ``backups/`` beside it: the last N are kept.

A backup is a complete data file (the base right after a compaction, so it includes every
change), named ``<stem>.<UTC time>[.<why>].json``. Bases are never modified in place, so a
backup is a hard link and costs no space until the base is replaced.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from storage.errors import StorageError
from storage.files import ensure_dir

if TYPE_CHECKING:
    from storage.database import Database

_STAMP = "%Y%m%dT%H%M%S%fZ"


def folder(data_file: Path) -> Path:
    return data_file.parent / "backups"


def listing(data_file: Path) -> list[Path]:
    """The backups of ``data_file``, oldest first."""
    where = folder(data_file)
    if not where.is_dir():
        return []
    return sorted(where.glob(f"{data_file.stem}.*.json"), key=lambda p: p.name)


def find(data_file: Path, name: str) -> Path:
    """A backup given as a path (``~`` already expanded by the caller), a file name in the
    backups folder, or ``latest``."""
    kept = listing(data_file)
    if name == "latest" and kept:
        return kept[-1]
    for candidate in (Path(name), folder(data_file) / name):
        if candidate.is_file():
            return candidate
    names = ", ".join(p.name for p in kept[-5:]) or "none yet"
    raise StorageError(f"no backup {name!r} (latest backups: {names})")


def _target(db: Database, tag: str = "") -> Path:
    stamp = db.settings.now().astimezone(UTC).strftime(_STAMP)
    return db.backup_dir / f"{db.path.stem}.{stamp}{'.' + tag if tag else ''}.json"


def taken_at(backup: Path, data_file: Path) -> datetime | None:
    """When a backup was taken, from its name (written with the store's own clock)."""
    rest = backup.name.removeprefix(f"{data_file.stem}.")
    try:
        return datetime.strptime(rest.split(".")[0], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None  # not one of ours by name


def due(db: Database, every: timedelta) -> bool:
    """True when the newest backup is older than ``every`` (checked at most once a minute).
    Its age is read from its name, not the file's time: both come from the same clock."""
    now = time.monotonic()
    checked = getattr(db, "_backup_checked", None)
    if checked is not None and now - checked[0] < 60:
        return bool(checked[1])
    found = listing(db.path)
    taken = taken_at(found[-1], db.path) if found else None
    newest = taken.timestamp() if taken else found[-1].stat().st_mtime if found else 0.0
    result = db.settings.now().timestamp() - newest > every.total_seconds()
    db._backup_checked = (now, result)  # type: ignore[attr-defined]
    return result


def keep(db: Database) -> Path:
    """Keep the current base as a backup, then drop all but the newest N."""
    ensure_dir(db.backup_dir, db.mode)
    target = _target(db)
    try:
        os.link(db.path, target)
    except OSError:
        import shutil

        shutil.copy2(db.path, target)
        os.chmod(target, db.mode)
    _keep_trail(db, target)
    prune(db)
    db._backup_checked = (time.monotonic(), False)  # type: ignore[attr-defined]
    return target


def copy_before(db: Database, tag: str) -> Path:
    """A copy of the data file as it is now, before something changes it in place."""
    ensure_dir(db.backup_dir, db.mode)
    target = _target(db, tag)
    import shutil

    shutil.copyfile(db.path, target)
    os.chmod(target, db.mode)
    prune(db)
    return target


def _keep_trail(db: Database, backup: Path) -> None:
    """A copy of the audit trail as it is now, beside the backup (``<backup>.audit``)."""
    if db.audit_path.exists():
        import shutil

        copy = backup.with_name(backup.name + ".audit")
        shutil.copyfile(db.audit_path, copy)
        os.chmod(copy, db.mode)


def prune(db: Database) -> None:
    found = listing(db.path)
    for old in found[: max(0, len(found) - db.settings.backups)]:
        old.unlink(missing_ok=True)
        old.with_name(old.name + ".audit").unlink(missing_ok=True)
