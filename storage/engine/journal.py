"""The journal file (``NAME.json.journal``): reading it from where this process stopped,
listing its change sets, appending one, starting a new journal after a new base, and
trimming the torn last line a killed writer left.

A line without its newline is a save that never returned: readers leave it alone, and the
next writer trims it (under the lock). The first line is a header naming the format, the
schema and ``base_seq``, the last change the matching base holds, and (since issue 16)
``base`` and ``crc32``, the identity and checksum of the base written with it: a base with
that identity and those bytes is the one this engine wrote from records it held, whole and
well-formed (``memory.py`` then reads only what it needs of it).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from storage.access import os_errors
from storage.engine.formats import JOURNAL_FORMAT, SCHEMA_VERSION, Damaged, NewerSchema
from storage.engine.journal_lines import ChangeSet, change_set
from storage.engine.settings import stamp
from storage.errors import StorageError
from storage.files import atomic_write, open_private

#: A base this engine wrote: its identity (inode, size, mtime) and the crc32 of its bytes.
Vouched = tuple[tuple[int, ...], int]


class Raced(Exception):
    """The files changed under a lock-free read: read again."""


def read(path: Path, from_offset: int, known: int | None, base_seq: int,
         apply: Callable[[ChangeSet], None]) -> tuple[int | None, int]:
    """Hand each whole change set after byte ``from_offset`` to ``apply``; returns the
    journal's inode (None: no journal) and the offset of the first byte not consumed.
    ``known`` is the inode read before and ``base_seq`` what the base read holds: a journal
    replaced meanwhile, or newer than that base (a compaction ran), raises :class:`Raced`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, 0
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):  # a FIFO would hang every reader
            raise StorageError(f"{path}: is not a regular file")
        ino = st.st_ino
        if known is not None and ino != known and from_offset:
            raise Raced
        f.seek(from_offset)
        chunk = f.read()
    end = chunk.rfind(b"\n") + 1  # a torn last line (no newline yet) is left for later
    offset = from_offset
    for n, line in enumerate(chunk[:end].split(b"\n")[:-1]):
        if from_offset == 0 and n == 0:
            _check_header(path, line, base_seq)
        else:
            # the one definition of a readable change set: what a restore replays
            change = change_set(line)
            if isinstance(change, str):
                raise Damaged(f"{path}: damaged entry at byte {offset} ({change})")
            apply(change)
        offset += len(line) + 1
    return ino, offset


def _check_header(path: Path, line: bytes, base_seq: int) -> None:
    try:
        header = orjson.loads(line)
    except orjson.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("journal") != JOURNAL_FORMAT or not (
            isinstance(header.get("schema", 0), int)
            and isinstance(header.get("base_seq", 0), int)):
        raise Damaged(f"{path}: not a scopekeeper journal (its header line is damaged)")
    if header.get("schema", 0) > SCHEMA_VERSION:
        raise NewerSchema(f"{path}: written by a newer scopekeeper (schema "
                          f"{header.get('schema')}); upgrade scopekeeper")
    if header.get("base_seq", 0) > base_seq:
        raise Raced  # the base we read is older than this journal: a compaction ran


def base_of(path: Path) -> Vouched | None:
    """The identity and checksum of the base this engine wrote with the journal (its header
    says), or None (no journal, an older one, anything unexpected: the base is then read
    whole)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None  # refused by the journal's read, with the reason
        first = f.readline(4096)
    try:
        header = orjson.loads(first)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(header, dict):
        return None
    base, crc = header.get("base"), header.get("crc32")
    if not isinstance(base, list) or not all(type(n) is int for n in base) or \
            type(crc) is not int:
        return None
    return tuple(base), crc


def entries(path: Path, strict: bool = False) -> list[dict[str, Any]]:
    """Every complete change set in the journal (not its header), as written. ``strict``:
    a damaged line is refused (as a full read refuses it) instead of passed over — a
    reader must not show the data without a save and say nothing."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    out = []
    offset = 0
    for n, line in enumerate(raw[: raw.rfind(b"\n") + 1].split(b"\n")[:-1]):
        at, offset = offset, offset + len(line) + 1
        if n == 0:
            continue
        change = change_set(line)
        if isinstance(change, ChangeSet):
            out.append(change.raw)
        elif strict:
            raise Damaged(f"{path}: damaged entry at byte {at} ({change})")
    return out


def append(path: Path, line: bytes, mode: int) -> int:
    """Append one change set's line and fsync it; returns the journal's inode."""
    with os_errors(path, "write"):  # a full disk names the journal
        fd = open_private(path, os.O_WRONLY | os.O_APPEND, mode)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
            return os.fstat(fd).st_ino
        finally:
            os.close(fd)


def start(path: Path, base_seq: int, mode: int, created: datetime,
          base: Vouched | None = None) -> None:
    """Replace the journal by one holding only its header (after a new base; ``base``: its
    identity and checksum, when this engine wrote it)."""
    header: dict[str, object] = {"journal": JOURNAL_FORMAT, "schema": SCHEMA_VERSION,
                                 "base_seq": base_seq, "created": stamp(created)}
    if base is not None:
        header["base"], header["crc32"] = list(base[0]), base[1]
    atomic_write(path, orjson.dumps(header) + b"\n", mode)


def trim(path: Path, offset: int, mode: int) -> None:
    """Under the lock: cut a dead writer's torn line off at ``offset`` (and fsync)."""
    os.truncate(path, offset)
    fd = open_private(path, os.O_WRONLY, mode)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
