"""File primitives the store is built on: atomic replace, durable append, modes, locks.

Every file the store creates gets ``mode`` (0600, or 0660 in a directory shared by a
group) whatever the umask; nothing is ever world-readable.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from storage.errors import StorageError

PRIVATE = 0o600
GROUP = 0o660
PRIVATE_DIR = 0o700
SHARED_DIR = 0o2770

#: The most a data file or backup may weigh before it is read (a 100,000-interaction agency
#: is 18 MB): a mistaken path to something huge is refused instead of exhausting memory.
MAX_DATA_BYTES = 256 * 1024 * 1024

#: Filesystems on which flock() is not reliable across machines.
NETWORK_FS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p",
                        "fuse.sshfs", "sshfs", "glusterfs", "ceph", "fuse.glusterfs"})


class LockTimeout(StorageError):
    """Another process held the lock for longer than we wait."""


def identity(path: Path) -> tuple[int, int, int] | None:
    """What changes whenever a file is replaced or grows: inode, size, modification time."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def journal_of(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".journal")


def lock_of(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".lock")


def data_token(data_file: Path) -> tuple[object, object]:
    """Changes whenever anyone saves: the identities of the data file and its journal."""
    return (identity(data_file), identity(journal_of(data_file)))


def shared_mode(directory: Path) -> bool:
    """A directory with the setgid bit that its group may write is shared by a group."""
    try:
        st = directory.stat()
    except FileNotFoundError:
        return False
    return bool(st.st_mode & stat.S_ISGID and st.st_mode & stat.S_IWGRP)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True, slots=True)
class Privacy:
    """Who may read what we write: its owner only, or also a group (the data's when it is
    shared; ``group`` None: whatever group the directory gives new files)."""

    shared: bool = False
    group: int | None = None

    @property
    def file_mode(self) -> int:
        return GROUP if self.shared else PRIVATE


def privacy_of(directory: Path, shared: bool | None = None) -> Privacy:
    """The privacy of data kept in ``directory``: shared by its group when ``shared`` says
    so, or (None) when the directory is setgid and group-writable; else its owner's only."""
    if not (shared_mode(directory) if shared is None else shared):
        return Privacy()
    try:
        return Privacy(shared=True, group=directory.stat().st_gid)
    except OSError:
        return Privacy(shared=True)


def make_dirs(directory: Path, privacy: Privacy = Privacy()) -> None:
    """The one way a directory is made: ``directory`` and each missing parent, ``0700``
    (``2770`` in the group when shared) whatever the umask; a link or a file in the way is
    refused. Never world-writable, not even for the moment before the chmod."""
    missing: list[Path] = []
    at = directory
    while not at.is_dir():
        if at.is_symlink() or at.exists():
            raise StorageError(f"{at}: is not a folder (a file or a broken link is in the way)")
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)  # the umask can only narrow this
        except FileExistsError:
            if folder.is_dir() and not folder.is_symlink():
                continue  # someone made it meanwhile: theirs, as they made it
            raise
        if privacy.group is not None and os.stat(folder).st_gid != privacy.group:
            with contextlib.suppress(PermissionError):  # not in the group: stays ours
                os.chown(folder, -1, privacy.group)
        shared = privacy.shared and (privacy.group is None
                                     or os.stat(folder).st_gid == privacy.group)
        os.chmod(folder, SHARED_DIR if shared else PRIVATE_DIR)
        fsync_dir(folder.parent)


def atomic_write(path: Path, data: bytes, mode: int, group: int | None = None) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync it, rename it over ``path``,
    fsync the directory. Readers see the old or the new file, never a mix. ``group``: the
    group the file is given (a ``0660`` file we cannot give it stays ``0600``)."""
    with _beside(path) as fd:
        os.fchmod(fd, _with_group(fd, mode, group))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]


@contextmanager
def _beside(target: Path) -> Iterator[int]:
    """An open temp file beside ``target``; once the block is done it is fsynced and renamed
    over ``target`` (and the directory fsynced), so a half-made file is never taken for a
    whole one. If the block fails, the temp file is removed."""
    import tempfile  # only writers need it; the app's first frame reads files only

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        yield fd
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def _with_group(fd: int, mode: int, group: int | None) -> int:
    """Give the open file ``group``; the mode it may then have (private if it cannot)."""
    if group is None or mode != GROUP or os.fstat(fd).st_gid == group:
        return mode
    try:
        os.fchown(fd, -1, group)
    except PermissionError:
        return PRIVATE  # not a member of the data's group: readable by its owner only
    return mode


def read_regular(path: Path, limit: int = MAX_DATA_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; StorageError for anything
    else (a FIFO would hang the reader, ``/dev/zero`` would exhaust its memory). OSError
    (missing, no permission) is left to the caller, who knows what the file is."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer (no effect on regular files)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StorageError(f"{path}: is not a regular file")
        if st.st_size > limit:
            raise StorageError(f"{path}: is {st.st_size / 2**20:,.0f} MB; a data file is "
                               f"at most {limit / 2**20:,.0f} MB")
        data = f.read(limit + 1)  # it may have grown since the look
    if len(data) > limit:
        raise StorageError(f"{path}: is larger than {limit / 2**20:,.0f} MB")
    return data


def copy_file(source: Path, target: Path, mode: int) -> None:
    """A durable copy of ``source`` at ``target`` with ``mode`` (see :func:`_beside`)."""
    src = os.open(source, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(src).st_mode):
            raise StorageError(f"{source}: is not a regular file")
        with _beside(target) as fd:
            os.fchmod(fd, mode)
            _copy_bytes(src, fd)
    finally:
        os.close(src)


def _copy_bytes(src: int, dst: int) -> None:
    """In the kernel when it can (copy_file_range: no trip through user space, and a
    reflink on filesystems that have them), else by reading and writing."""
    try:
        while os.copy_file_range(src, dst, 1 << 30):
            pass
        return
    except OSError as e:
        if e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    os.lseek(src, 0, os.SEEK_SET)
    os.ftruncate(dst, 0)
    os.lseek(dst, 0, os.SEEK_SET)
    while chunk := os.read(src, 1 << 20):
        view = memoryview(chunk)
        while view:
            view = view[os.write(dst, view):]


def orphan_temp_files(path: Path) -> list[Path]:
    """Temp files of ``path`` left by writers that died (only call while holding the lock)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def open_private(path: Path, flags: int, mode: int) -> int:
    """Open (creating with ``mode``) without following a symlink planted in our place."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise StorageError(f"{path}: is a symbolic link; refusing to use it") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StorageError(f"{path}: is not a regular file")
        if stat.S_IMODE(st.st_mode) != mode and st.st_uid == os.geteuid():
            os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextmanager
def file_lock(path: Path, mode: int, timeout: float, *, shared: bool = False) -> Iterator[None]:
    """An flock on the sidecar ``path``; released by the kernel if the process dies."""
    fd = open_private(path, os.O_RDWR | os.O_CREAT, mode)
    op = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    delay = 0.001
    try:
        while True:
            try:
                fcntl.flock(fd, op)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{path}: another scopekeeper process is saving (waited "
                        f"{timeout:g} s); try again") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def filesystem_type(path: Path, mounts: Path = Path("/proc/mounts")) -> str | None:
    """The type of the filesystem holding ``path`` (longest matching mount point)."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, fstype = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, parts[2]
    return fstype


def refuse_network_fs(directory: Path, mounts: Path = Path("/proc/mounts")) -> None:
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    fstype = filesystem_type(existing, mounts)
    if fstype in NETWORK_FS:
        raise StorageError(
            f"{directory}: is on a network filesystem ({fstype}) where file locks are not "
            "reliable; keep the data file on a local disk (or set "
            "SCOPEKEEPER_ALLOW_NETWORK_FS=1 if its locks are known to work)")
