"""Writing a file a person asked for (an export, a document): where they said, safely.

One way for every such file: never onto the store's own files (checked by the callers with
:mod:`storage.store_files`), never half-written (temp file and rename), readable as the data
is (:func:`output_privacy`: 0600, or 0660 in the data's group when the data is shared, or in
a group-shared folder; never by others, whatever the umask), and a failure is one line that
says what to do — never a traceback. A terminal, ``/dev/null``, ``/dev/stdout`` or a named
pipe given as the file is written into, as the shell's ``>`` would (never replaced).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from storage.access import os_problem
from storage.errors import StorageError
from storage.files import Privacy, atomic_write, make_dirs, shared_mode


class OutputError(StorageError):
    """The file cannot be written where the person asked: bad input, not a bad store."""


def output_privacy(folder: Path, data: Privacy) -> Privacy:
    """The one rule for every file and folder a person asks for in ``folder``: the data's
    privacy (``data``: its group's when the data is shared, else its owner's only), or the
    group's of a group-shared folder they chose to write in."""
    if data.shared:
        return data
    if shared_mode(folder):
        return Privacy(shared=True)  # the folder gives new files its group
    return Privacy()


def _stream(path: Path) -> bool:
    """A terminal, ``/dev/null``, ``/dev/full``, ``/dev/stdout`` or a named pipe: written
    into, never replaced (a file renamed over ``/dev/stdout`` would replace the system's own
    link for everyone)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or (_descriptor(path)
                                                         and stat.S_ISREG(mode))


def _descriptor(path: Path) -> bool:
    """``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/*/fd/N``: an open file of
    this process (the shell's ``>``), by the kernel's own links."""
    parts = Path(os.path.abspath(path)).parts
    return (parts[1:3] in (("dev", "stdout"), ("dev", "stderr"), ("dev", "fd"))
            or (parts[1:2] == ("proc",) and parts[3:4] == ("fd",)))


def replaces(path: Path) -> bool:
    """Would writing at ``path`` replace a file that is there?"""
    return os.path.lexists(path) and not _stream(path)


def output_problem(path: Path) -> str:
    """What stops writing at ``path`` before trying ('' if nothing): a form says it while
    the person can still correct what they typed. Never raises."""
    parent = path.parent
    try:
        if path.is_dir():
            return f"{path} is a folder: give a file name in it"
        if _stream(path):
            return ""
        if not parent.is_dir():
            return f"{parent}: no such folder: give a folder that exists"
    except PermissionError:
        return _closed(parent)
    except OSError as e:  # e.g. a name too long for the filesystem
        return f"{path}: {e.strerror or e}: give another file name"
    if not os.access(parent, os.W_OK | os.X_OK, effective_ids=_EFFECTIVE):
        return _closed(parent)
    if os.path.lexists(path) and not os.path.exists(path):
        return ""  # a dangling link: replaced by the file, never written through
    if stat.S_ISBLK(_mode(path)) or stat.S_ISSOCK(_mode(path)):
        return f"{path}: is a device or a socket, not a file: give a file name"
    return ""


_EFFECTIVE = os.access in os.supports_effective_ids


def _mode(path: Path) -> int:
    try:
        return os.stat(path).st_mode
    except OSError:
        return 0


def _closed(folder: Path) -> str:
    return f"{folder}: you may not write in this folder: choose one of yours"


def write_output(path: Path, data: bytes, privacy: Privacy) -> None:
    """Write ``data`` at ``path`` (replacing a file there: callers ask first). ``privacy``:
    the data's (see :func:`output_privacy`)."""
    problem = output_problem(path)
    if problem:
        raise OutputError(problem)
    try:
        if _stream(path):
            _write_into(path, data)
        else:
            mode = output_privacy(path.parent, privacy)
            atomic_write(path, data, mode.file_mode, mode.group)
    except PermissionError:
        raise OutputError(_closed(path.parent)) from None
    except OSError as e:  # a full disk, a read-only filesystem, nobody reading a pipe...
        reason = ("nobody is reading this pipe" if e.errno == errno.ENXIO
                  else e.strerror or str(e))
        raise OutputError(f"{path}: cannot write: {reason}") from None


def _write_into(path: Path, data: bytes) -> None:
    # O_NONBLOCK: a pipe nobody reads is refused (ENXIO) instead of waiting for ever
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def make_output_folder(folder: Path, privacy: Privacy) -> None:
    """Make the folder a person asked to write in (and its missing parents) as the files in
    it will be: ``0700``, or ``2770`` in the group (:func:`output_privacy`)."""
    existing = folder
    try:
        while not existing.is_dir() and existing.parent != existing:
            existing = existing.parent
        make_dirs(folder, output_privacy(existing, privacy))
    except PermissionError:
        raise OutputError(_closed(existing)) from None
    except OSError as e:
        raise OutputError(os_problem(e, folder, "make this folder")) from None
    except StorageError as e:
        raise OutputError(str(e)) from None
