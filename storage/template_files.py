"""Reading a template file that a colleague may have put in the shared templates directory.

Only a regular file is read, never a named pipe (reading one waits forever for a writer) or
a device (``/dev/zero`` never ends), and only up to a size checked on the opened file before
reading. A symbolic link may lead to another file in the templates directory, never out of
it (a link to someone's private file would put it in their document). The checks are made
on the file actually opened, not on its name, so a file swapped between a check and the
read is refused. :func:`problem` answers the same questions from names alone, opening
nothing, for listings. Standard library only: the limited render worker imports this.
"""

from __future__ import annotations

import errno
import os
import stat

MAX_CHARS = 20_000  # characters of template source
MAX_BYTES = 4 * MAX_CHARS  # what MAX_CHARS characters of UTF-8 can take at most
_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
          | getattr(os, "O_NOCTTY", 0))


class Refused(Exception):
    """Why a template file is not used, in words (the caller adds the file name)."""


def _inside(path: str, folder: str) -> bool:
    return path != folder and os.path.commonpath([path, folder]) == folder


def _resolve(path: str, folder: str) -> str:
    """The real path of ``path``, which must be inside ``folder`` (itself real)."""
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise Refused("a symbolic link that loops") from None
        if e.errno == errno.ENOENT and os.path.islink(path):
            raise Refused("a symbolic link to a file that does not exist") from None
        raise Refused(_reason(e)) from None
    if not _inside(real, folder):
        raise Refused("a symbolic link to a file outside the templates directory")
    return real


def _reason(error: OSError) -> str:
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot read it (permission denied); ask its owner to make it readable to you"
    if error.errno == errno.ENOENT:
        return "no such file (removed meanwhile?)"
    if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link that was not one a moment ago
        return "it changed while being read"
    return f"cannot read it: {error.strerror or error}"


def _kind(mode: int) -> str:
    """Why a file of ``mode`` is not a template file ("" when it is a regular file)."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "it is a directory, not a template file"
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special")
    return f"it is {what}, not a regular file"


def _size(size: int) -> str:
    if size > MAX_BYTES:
        return f"larger than {MAX_BYTES:,} bytes (a template has at most " \
               f"{MAX_CHARS:,} characters)"
    return "it is empty" if size == 0 else ""


def problem(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str:
    """Why ``path`` in ``folder`` would be refused ("" if it looks usable): from its name
    and metadata only, nothing is opened (a listing must not wait on a named pipe)."""
    try:
        real = _resolve(os.fspath(path), os.path.realpath(folder))
        st = os.stat(real)
    except Refused as r:
        return str(r)
    except OSError as e:
        return _reason(e)
    why = _kind(st.st_mode) or _size(st.st_size)
    if not why and not os.access(real, os.R_OK):
        why = _reason(OSError(errno.EACCES, "permission denied"))
    return why


def read_template(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str:
    """The text of template ``path`` from ``folder``, or :class:`Refused`."""
    name, root = os.fspath(path), os.path.realpath(folder)
    real = _resolve(name, root)
    try:
        fd = os.open(real, _FLAGS)  # a pipe opens at once with O_NONBLOCK; fstat tells
    except OSError as e:
        raise Refused(_reason(e)) from None
    try:
        opened = os.fstat(fd)
        why = _kind(opened.st_mode) or _size(opened.st_size)
        if why:
            raise Refused(why)
        # the file opened must be the one now at that name, inside the directory
        try:
            now = os.stat(_resolve(name, root), follow_symlinks=False)
        except OSError as e:
            raise Refused(_reason(e)) from None
        if (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
            raise Refused("it changed while being read")
        data = _read_at_most(fd, MAX_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # it grew after the check
        raise Refused(_size(len(data)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("cannot read it: not UTF-8 text") from None
    if len(text) > MAX_CHARS:
        raise Refused(f"longer than {MAX_CHARS:,} characters")
    if not text.strip():
        raise Refused("it is empty")
    return text


def _read_at_most(fd: int, limit: int) -> bytes:
    parts: list[bytes] = []
    size = 0
    while size < limit:
        try:
            chunk = os.read(fd, limit - size)
        except OSError as e:
            raise Refused(_reason(e)) from None
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)
