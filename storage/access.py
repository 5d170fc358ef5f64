"""Why a file or folder cannot be used, in one line a person can act on: which folder is
closed to them and whom to ask (usually to be added to the group that owns it), or that
it is their own and how to open it again."""

from __future__ import annotations

import errno
import grp
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.errors import StorageError

# --- saying what stops us ---------------------------------------------------------------

def _group_name(gid: int) -> str:

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _closed_folder(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that this process may not enter."""
    effective = os.access in os.supports_effective_ids
    for folder in reversed(Path(os.path.abspath(path)).parents):
        if not os.access(folder, os.X_OK, effective_ids=effective):
            return folder
    return None


def denied(path: Path, verb: str) -> str:
    """One line for a refused permission on ``path`` (to ``verb`` it): which folder or file
    is in the way, and whom to ask — usually to be added to the group that owns it."""
    return ": ".join(denial(path, verb))


def denial(path: Path, verb: str) -> tuple[str, str]:
    """:func:`denied` as (what is refused, whom to ask for what)."""
    closed = _closed_folder(path)
    if closed is not None and _owner(closed) == os.geteuid():  # narrowed by hand
        return (f"{path}: you may not enter {closed}",
                f"it is yours: chmod u+rwx -- {closed}")
    if closed is not None:
        return (f"{path}: you may not enter {closed}",
                f"ask to be added to the group {_group_name(_stat_gid(closed))!r} that owns "
                f"{closed} (then log in again)")
    target = path if os.path.lexists(path) else path.parent
    try:
        st = os.stat(target)
    except OSError:
        return f"{path}: cannot {verb}: permission denied", "ask whoever manages this server"
    group = _group_name(st.st_gid)
    what = "it" if target == path else target
    if st.st_uid == os.geteuid():  # one's own file, narrowed by hand
        return (f"{path}: cannot {verb}: permission denied ({what} is "
                f"{stat.filemode(st.st_mode)})",
                f"it is yours: chmod u+rwX -- {target}")
    if st.st_gid in (os.getegid(), *os.getgroups()):
        return (f"{path}: cannot {verb}: permission denied ({what} is "
                f"{stat.filemode(st.st_mode)})",
                f"ask its owner to let the group {group!r} {verb} it: "
                f"chmod g+rwX -- {target}")
    if st.st_gid == 0:  # the system's: no group to join
        return (f"{path}: cannot {verb}: permission denied",
                f"ask whoever manages this server to let you {verb} {target}")
    return (f"{path}: cannot {verb}: permission denied",
            f"ask to be added to the group {group!r} that owns {target} (then log in again)")


def _owner(path: Path) -> int:
    try:
        return os.stat(path).st_uid
    except OSError:
        return -1


def _stat_gid(path: Path) -> int:
    try:
        return os.stat(path).st_gid
    except OSError:
        return -1


def os_problem(error: OSError, path: Path, verb: str) -> str:
    """One line for a failed system call about ``path`` (or the file the error names)."""
    where = Path(os.fsdecode(error.filename)) if error.filename else path
    if where.name.startswith(".") and where.name.endswith(".tmp"):
        where = where.parent  # our temp file: the folder is what refused it
    if error.errno in (errno.EACCES, errno.EPERM):
        return denied(where, verb)
    return f"{where}: cannot {verb}: {error.strerror or error}"


@contextmanager
def os_errors(path: Path, verb: str) -> Iterator[None]:
    """Turn a failing system call into one line naming the file at fault (the one the
    error names: the journal, the lock... else ``path``) and what to do."""
    try:
        yield
    except OSError as e:
        raise StorageError(os_problem(e, path, verb)) from None


def check_reachable(path: Path) -> None:
    """Refuse (one line with the remedy) a file in a folder this person may not enter."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return  # nothing there yet: whoever makes it says what is wrong
    except OSError as e:
        raise StorageError(os_problem(e, path, "read")) from None
