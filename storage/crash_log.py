"""A crash's details, kept in a private file: never on the terminal.

When the program stops on a bug, the person sees one line naming this file, and the file
holds the plain traceback (no local variables: they held whole client records once, and a
crash printed 20,000 lines of client data onto the screen).
"""

from __future__ import annotations

import os
import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from storage.files import make_dirs
from storage.locations import scrub

#: What the person is told, with the file's name filled in.
STOPPED = ("scopekeeper stopped on an internal error; details in {file} (please send it to "
           "whoever looks after scopekeeper)")
#: Said when the file itself could not be written.
UNWRITTEN = ("scopekeeper stopped on an internal error ({kind}); its details could not be "
             "written to {folder}: {why}")


def details(error: BaseException, when: datetime, where: str) -> str:
    """The report: when, where (the app or a command), versions and the plain traceback."""
    lines = [f"scopekeeper crash report, {when.isoformat(timespec='seconds')}",
             f"in: {where}", f"python: {platform.python_version()} ({sys.platform})", ""]
    return scrub("\n".join(lines) + "".join(traceback.format_exception(error)))


def write_crash_log(folder: Path, when: datetime, text: str) -> Path:
    """``text`` in a new file ``folder/crash-YYYYMMDD-HHMMSS.log`` (``-2``, ``-3``... when
    that second has one), readable by its owner only (0600); ``folder`` is made private."""
    make_dirs(folder)
    stem = f"crash-{when:%Y%m%d-%H%M%S}"
    for n in range(1, 1000):
        path = folder / (f"{stem}.log" if n == 1 else f"{stem}-{n}.log")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(fd, 0o600)
            f.write(text)  # a file, not a terminal
        return path
    raise FileExistsError(f"{folder}: too many crash reports from {stem}")


def report(error: BaseException, folder: Path | None, when: datetime | None,
           where: str) -> str:
    """Write ``error``'s report under ``folder``, stamped ``when`` (the injected clock);
    the one line to show the person. Without a folder or a clock nothing is written."""
    if folder is None or when is None:
        return UNWRITTEN.format(kind=type(error).__name__, folder="(no state directory)",
                                why="none was given")
    try:
        path = write_crash_log(folder, when, details(error, when, where))
    except Exception as e:  # the report must never raise over the crash it reports
        return UNWRITTEN.format(kind=type(error).__name__, folder=folder,
                                why=getattr(e, "strerror", None) or type(e).__name__)
    return STOPPED.format(file=path)
