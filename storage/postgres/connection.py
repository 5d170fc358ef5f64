"""Connecting to PostgreSQL: which locations name a database (``postgresql://`` or
``postgres://``), and a psycopg 3 connection to one, its errors as one line.

On the server the connection goes over the Unix socket with peer authentication
(``postgresql:///agency?host=/var/run/postgresql``), so the database role is the Unix login
and no password is written anywhere; the audit trail keeps that role (``session_user``)
beside the login the app names.
"""

from __future__ import annotations

import re

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads

from storage.errors import StorageError

SCHEMES = ("postgresql://", "postgres://")
#: The channel a save notifies (payload: the change counter) for watchers that LISTEN.
CHANNEL = "scopekeeper_changes"


def is_database_url(location: object) -> bool:
    """True for a PostgreSQL connection URL, false for a data file's path."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def shown(url: str) -> str:
    """The URL as it may be printed: a password in it is never shown."""
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", url)


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection in autocommit mode (each read is one statement; a change is an explicit
    transaction), jsonb read and written with orjson (the data file's parser)."""
    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.Error as e:
        raise StorageError(f"cannot connect to {shown(url)}: {first_line(e)}") from None
    set_json_loads(orjson.loads, conn)
    set_json_dumps(orjson.dumps, conn)
    return conn


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
