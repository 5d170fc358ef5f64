"""Writing a file a person asked for (an export, a document): where they said, safely.

One way for every such file: never onto the store's own files (checked by the callers with
:mod:`storage.store_files`), never half-written (temp file and rename), never readable by
others (0600, or 0660 in a group-shared folder, whatever the umask), and a failure is one
line that says what to do — never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from storage.errors import StorageError
from storage.files import GROUP, PRIVATE, atomic_write, shared_mode


class OutputError(StorageError):
    """The file cannot be written where the person asked: bad input, not a bad store."""


def output_mode(directory: Path) -> int:
    """The mode of a file we write in ``directory``: the data's privacy, never the world's."""
    return GROUP if shared_mode(directory) else PRIVATE


def output_problem(path: Path) -> str:
    """What stops writing at ``path`` before trying ('' if nothing): a form says it while
    the person can still correct what they typed."""
    if path.is_dir():
        return f"{path} is a folder: give a file name in it"
    if not path.parent.is_dir():
        return f"{path.parent}: no such folder: give a folder that exists"
    return ""


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path`` (replacing a file there: callers ask first)."""
    parent = path.parent
    problem = output_problem(path)
    if problem:
        raise OutputError(problem)
    try:
        atomic_write(path, data, output_mode(parent))
    except PermissionError:
        raise OutputError(f"{parent}: you may not write in this folder: choose one of "
                          "yours") from None
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
