"""Connecting to PostgreSQL: a psycopg 3 connection to a database URL
(``storage.locations``), its errors as one line.

On the server the connection goes over the Unix socket with peer authentication
(``postgresql:///agency?host=/var/run/postgresql``), so the database role is the Unix login
and no password is written anywhere; the audit trail keeps that role (``session_user``)
beside the login the app names.
"""

from __future__ import annotations

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads

from storage.errors import StorageError
from storage.locations import redact

#: The channel a save notifies (payload: the change counter) for watchers that LISTEN.
CHANNEL = "scopekeeper_changes"


#: Seconds a connection may take to be made (unless the URL says): a server that does not
#: answer is said in one line, not waited for as long as the network would.
CONNECT_TIMEOUT = 10


def connect_timeout(url: str) -> int:
    """The URL's ``connect_timeout``, else :data:`CONNECT_TIMEOUT`."""
    given = psycopg.conninfo.conninfo_to_dict(url).get("connect_timeout")
    try:
        return int(str(given)) if given is not None else CONNECT_TIMEOUT
    except ValueError:
        return CONNECT_TIMEOUT


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A connection in autocommit mode (each read is one statement; a change is an explicit
    transaction), jsonb read and written with orjson (the data file's parser)."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout(url))
    except psycopg.Error as e:
        raise StorageError(f"cannot connect to {redact(url)}: {first_line(e)}") from None
    set_json_loads(orjson.loads, conn)
    set_json_dumps(orjson.dumps, conn)
    return conn


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
