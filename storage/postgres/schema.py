"""The database's tables, as versioned migrations: ``MIGRATIONS`` is the ordered list of
steps (version, SQL statements); ``schema_version`` holds the version a database is at.
Opening a database brings it up to date in one transaction, under an advisory lock so two
first openings at once do not both create the tables; a newer version than this program
knows, or a database that holds other tables and none of ours, is refused in one line.

Version 1:

* one table per record type (the names of ``tracker/record_types.py``): ``id`` (primary
  key), ``client_id`` (whose record it is, indexed: one client's records are one indexed
  read; ``''`` for a team member), ``rev``, ``doc`` (the record as ``storage/codecs.py``
  encodes it, the data file's encoding, so moving between the two is lossless) and ``pos``
  (insertion order, which the data file keeps too: an update keeps its place);
* ``change_counter``: one row whose ``seq`` each change bumps, first thing in its
  transaction -- that row's lock puts every change in one order (as the file's writers'
  lock does), and its value is the token and the audit trail's sequence number;
* ``audit``: one row per record changed (``seq``, ``n``), with the login the app names and
  the database role (``session_user``) the server authenticated.

Version 2 adds the review kept per client and day (``review_days``, ``review_items``:
``storage/postgres/assessments.py`` says what they hold and when they are recomputed).
"""

from __future__ import annotations

import psycopg

from storage.errors import StorageError
from storage.postgres import assessments
from storage.tables import TABLES

#: An arbitrary, fixed key: the advisory lock a migration holds.
MIGRATION_LOCK = 0x5C0BE4EE


def _record_table(name: str) -> tuple[str, ...]:
    # json, not jsonb: jsonb cannot hold \u0000, which text people save may contain (the
    # data file keeps it, and migrate must be lossless); documents are read whole and
    # parsed by orjson, never queried inside, so jsonb would buy nothing here
    return (f"create table {name} (pos bigint generated always as identity, "
            "id text primary key, client_id text not null, rev int not null, "
            "doc json not null)",
            f"create index {name}_by_client on {name} (client_id, pos)",
            f"create index {name}_by_pos on {name} (pos)")


V1: tuple[str, ...] = (
    "create table change_counter (one bool primary key default true check (one), "
    "seq bigint not null)",
    "insert into change_counter (seq) values (0)",
    *(step for name in TABLES.values() for step in _record_table(name)),
    "create table audit (seq bigint not null, n int not null, at text not null, "
    "login text not null, db_role text not null default session_user, "
    "tbl text not null, record_id text not null, client_id text not null, "
    "op text not null, changes json not null, primary key (seq, n))",
    "create index audit_by_client on audit (client_id, seq)",
)

#: (version, its statements), oldest first; a version once released is never changed.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = ((1, V1), (2, assessments.V2),
                                                       (3, assessments.V3))
LATEST = MIGRATIONS[-1][0]


def version(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    """The schema version the database is at (0: none of our tables)."""
    row = conn.execute("select to_regclass('schema_version') is not null").fetchone()
    if not row or not row[0]:
        return 0
    found = conn.execute("select max(version) from schema_version").fetchone()
    return int(str(found[0])) if found and found[0] is not None else 0


def migrate(conn: psycopg.Connection[tuple[object, ...]], where: str,
            migrations: tuple[tuple[int, tuple[str, ...]], ...] = MIGRATIONS) -> int:
    """Bring the database up to the last of ``migrations``; returns the version it was at.
    ``where`` names the database in a refusal."""
    latest = migrations[-1][0]
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        was = version(conn)
        if was > latest:
            raise StorageError(f"{where} was made by a newer scopekeeper (schema {was}; this "
                               f"one knows {latest}): upgrade scopekeeper")
        if was == 0 and _foreign(conn):
            raise StorageError(f"{where} holds tables that are not scopekeeper's: give an "
                               "empty database (createdb) or one scopekeeper made")
        if was == latest:
            return was
        if was == 0:
            conn.execute("create table schema_version (version int not null, "
                         "at timestamptz not null default now())")
        for number, steps in migrations:
            if number > was:
                for step in steps:
                    conn.execute(step)
                conn.execute("insert into schema_version (version) values (%s)", (number,))
    return was


def _foreign(conn: psycopg.Connection[tuple[object, ...]]) -> bool:
    row = conn.execute("select exists (select 1 from pg_tables where schemaname = "
                       "current_schema())").fetchone()
    return bool(row and row[0])
