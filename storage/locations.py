"""Where the data is: a data file (a path) or a PostgreSQL database (a connection URL,
``postgresql://…`` or ``postgres://…``), as ``--db``, ``$SCOPEKEEPER_DB`` and the config give
it, and the rules that go with each.

A connection URL never carries a password: one given on the command line is seen by every
user of the server in the process list and kept in shell history, one in the environment is
readable by the person's other processes, and one in a configuration file ends in backups
and screenshots. It is refused wherever it is given, in one line that never repeats it; the
password belongs in a password file that libpq reads (``PGPASSFILE``, ``~/.pgpass``, or
``[data] password_file``, handed to libpq as ``passfile``) — or nowhere at all, with peer
authentication over the server's Unix socket (the default, see docs/postgresql.md).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from tracker.errors import ValidationError

SCHEMES = ("postgresql://", "postgres://")
#: Connection parameters that hold a secret (libpq's names).
SECRET_PARAMETERS = frozenset({"password", "sslpassword"})
USE_A_PASSWORD_FILE = (
    "a connection URL with a password is refused (others could read it); leave the password "
    "out and put it in a password file: PGPASSFILE or ~/.pgpass (mode 0600), or "
    "[data] password_file in the config; or connect over the Unix socket with no password "
    "(peer authentication, see docs/postgresql.md)")
URL_FORM = "postgresql://[user@][host][:port]/dbname[?param=value&...]"


def is_database_url(text: str) -> bool:
    """Does ``text`` name a PostgreSQL database rather than a file?"""
    return text.strip().lower().startswith(SCHEMES)


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A PostgreSQL database: ``url`` as given (it holds no password: :func:`database_url`
    refuses one), ``passfile`` the password file libpq is to read, if any. ``str()`` is what
    is shown to people."""

    url: str
    passfile: Path | None = None

    def __str__(self) -> str:
        return redact(self.url)

    def conninfo(self) -> str:
        """What the PostgreSQL backend connects with: the URL, plus ``passfile``."""
        if self.passfile is None:
            return self.url
        extra = "passfile=" + quote(str(self.passfile), safe="/")
        base, _, fragment = self.url.partition("#")
        return base + ("&" if "?" in base else "?") + extra + (f"#{fragment}" if fragment else "")


#: Where the data is.
Location = Path | DatabaseUrl


class NotAFile(ValueError):
    """A command or feature that works on a data file's files, asked of a database."""


def database_url(text: str, what: str) -> DatabaseUrl:
    """``text`` as a database URL; ``what`` names where it was given (``--db``,
    ``$SCOPEKEEPER_DB``, a config key) for the one-line refusal, which never quotes it."""
    text = text.strip()
    try:
        parts = urlsplit(text)
        params = parse_qsl(parts.query, keep_blank_values=True)
        has_password = parts.password is not None
    except ValueError:  # e.g. an unclosed [ in the host: the message could quote the text
        raise ValidationError(what, f"not a PostgreSQL connection URL ({URL_FORM})") from None
    if has_password or any(key in SECRET_PARAMETERS for key, _ in params):
        raise ValidationError(what, USE_A_PASSWORD_FILE)
    if not parts.path.strip("/") and not any(key == "dbname" for key, _ in params):
        raise ValidationError(what, f"name the database ({URL_FORM}, e.g. "
                              "postgresql:///agency?host=/var/run/postgresql)")
    return DatabaseUrl(text)


def redact(text: str) -> str:
    """``text`` with any password replaced by ``***`` (in the user part and in the query),
    for display: what is shown is never a secret, even if one got past the checks."""
    try:
        parts = urlsplit(text)
        password = parts.password
    except ValueError:
        return "(a connection URL that cannot be read)"
    if password is not None:
        user, _, hosts = parts.netloc.rpartition("@")
        parts = parts._replace(netloc=user.partition(":")[0] + ":***@" + hosts)
    pairs = [p.partition("=") for p in parts.query.split("&")] if parts.query else []
    if any(key in SECRET_PARAMETERS for key, _, _ in pairs):
        parts = parts._replace(query="&".join(
            f"{key}=***" if key in SECRET_PARAMETERS else key + eq + value
            for key, eq, value in pairs))
    elif password is None:
        return text  # nothing to hide: as given (urlunsplit would drop an empty host's //)
    scheme, _, rest = urlunsplit(parts).partition(":")
    return f"{scheme}://{rest.removeprefix('//')}"


_URLS = re.compile(r"postgres(?:ql)?://[^\s'\"]*", re.IGNORECASE)


def scrub(text: str) -> str:
    """``text`` (an error message, a crash report) with the password of every connection
    URL in it replaced by ``***``: argparse repeats a stray argument, an exception may
    quote what it was given."""
    return _URLS.sub(lambda m: redact(m.group(0)), text)


def check_password_file(path: Path) -> str:
    """Why ``path`` cannot be a password file ('' if it can): it must be a regular file only
    its owner may read (libpq ignores any other, and says so only in a warning)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return f"{path}: no such file"
    except OSError as e:
        return f"{path}: cannot be read ({e.strerror or type(e).__name__})"
    if not stat.S_ISREG(st.st_mode):
        return f"{path}: not a regular file"
    if st.st_mode & 0o077:
        return (f"{path}: others may read it (mode {stat.S_IMODE(st.st_mode):04o}); "
                f"chmod 600 -- {path}")
    if not os.access(path, os.R_OK):
        return f"{path}: you may not read it"
    return ""


def data_file(location: Location, what: str, instead: str) -> Path:
    """The data file at ``location``; a database is refused for ``what`` (a command or a
    feature that works on a data file's own files), naming ``instead``."""
    if isinstance(location, DatabaseUrl):
        raise NotAFile(f"{what} works on a data file, and the data is in a PostgreSQL "
                       f"database ({location}); {instead}")
    return location
