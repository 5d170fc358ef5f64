"""A change as one transaction: a save (revisions checked, records written, the audit trail
written, the change counter bumped and watchers notified) or a replacement of everything.
Nothing of a change is visible before its COMMIT, and a client killed before it leaves
nothing: the server rolls the transaction back.

Changes are put in one order by the change counter's row: the first statement of each
change bumps it, so a second writer waits there until the first commits, and then reads
(READ COMMITTED: each statement sees what is committed when it starts) the records as the
first left them. That is the file's writers' lock, held by the server, released by it when
a client dies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import groupby
from typing import Any

from psycopg.types.json import Json

from storage import audit
from storage.codecs import encode
from storage.engine.settings import stamp
from storage.errors import Conflict
from storage.postgres import assessments
from storage.postgres.connection import CHANNEL
from storage.postgres.reads import Conn, current
from storage.tables import TABLES
from tracker.record_types import Record
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds
from tracker.validation import validate

Op = tuple[str, str, dict[str, Any] | None]


def owner(record: Record) -> str:
    """Whose record it is: the client's id ('' for one of nobody's, e.g. a team member)."""
    return audit.client_of(TABLES[type(record)], record.id, encode(record))


def save(conn: Conn, puts: Sequence[Record], deletes: Sequence[Record], author: str,
         now: datetime, wait: float = 10.0,
         thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[Record]:
    """Validate every record, then save and delete as one change (see the module doc); the
    kept review of the clients it touches is recomputed in the same transaction."""
    for record in puts:
        validate(record)
    if not puts and not deletes:
        return []
    with conn.transaction():
        seq = _next_seq(conn, wait)
        stored = current(conn, [*puts, *deletes])
        saved = [replace(r, rev=_expect(r, stored) + 1) for r in puts]
        for r in deletes:
            _expect(r, stored, deleting=True)
        _write(conn, saved)
        for r in deletes:
            conn.execute(f"delete from {TABLES[type(r)]} where id = %s", (r.id,))
        ops: list[Op] = [(TABLES[type(r)], r.id, encode(r)) for r in saved]
        ops += [(TABLES[type(r)], r.id, None) for r in deletes]
        olds = [audit.was(stored.get((TABLES[type(r)], r.id)), r) for r in saved]
        olds += [audit.was(stored.get((TABLES[type(r)], r.id)), None) for r in deletes]
        _audit(conn, audit.entries_of({"seq": seq, "at": stamp(now), "by": author,
                                       "ops": ops, "was": olds}))
        # the clients of what was saved and deleted, and of what the saved records were
        # (a record moved to another client changes both reviews)
        owners = [owner(r) for r in [*saved, *deletes, *stored.values()]]
        assessments.recompute(conn, thresholds, assessments.touched(
            conn, saved, deletes, stored, owners))
        conn.execute("select pg_notify(%s, %s)", (CHANNEL, str(seq)))
    return saved


def replace_all(conn: Conn, records: Iterable[Record], author: str, now: datetime,
                source: str = "", wait: float = 10.0) -> int:
    """Make ``records`` the whole content in one change; returns how many. A revision never
    goes back: an editor still holding a replaced record gets a conflict. ``records`` is
    read once, as it is written (``scopekeeper migrate`` streams a whole history through
    here): a record refused by validation rolls the whole change back."""
    with conn.transaction():
        seq = _next_seq(conn, wait)
        revs: dict[tuple[str, str], int] = {}
        for name in TABLES.values():
            for record_id, rev in conn.execute(f"select id, rev from {name}"):
                revs[name, str(record_id)] = int(str(rev))
            conn.execute(f"delete from {name}")
        written = _copy(conn, records, revs)
        assessments.forget(conn)
        changes = {"records": [None, written], **({"source": [None, source]} if source
                                                  else {})}
        _audit(conn, [{"seq": seq, "at": stamp(now), "by": author, "table": "", "id": "",
                       "client_id": "", "op": "replace_all", "changes": changes}])
        conn.execute("select pg_notify(%s, %s)", (CHANNEL, str(seq)))
    return written


def _next_seq(conn: Conn, wait: float) -> int:
    """Bump the change counter, waiting at most ``wait`` seconds for the change before
    (``LockNotAvailable`` after that: never a save hanging behind a stuck session)."""
    conn.execute("select set_config('lock_timeout', %s, true)", (f"{int(wait * 1000)}ms",))
    row = conn.execute("update change_counter set seq = seq + 1 returning seq").fetchone()
    assert row is not None  # the schema inserts the one row
    return int(str(row[0]))


def _expect(record: Record, stored: dict[tuple[str, str], Record],
            deleting: bool = False) -> int:
    now = stored.get((TABLES[type(record)], record.id))
    rev = 0 if now is None else now.rev
    if record.rev != rev or (deleting and now is None):
        raise Conflict(record, now)
    return rev


def _write(conn: Conn, saved: Sequence[Record]) -> None:
    by_table: dict[str, list[tuple[str, str, int, Json]]] = {}
    for r in saved:
        by_table.setdefault(TABLES[type(r)], []).append(
            (r.id, owner(r), r.rev, Json(encode(r))))
    for table, rows in by_table.items():
        with conn.cursor() as cur:
            cur.executemany(
                f"insert into {table} (id, client_id, rev, doc) values (%s, %s, %s, %s) "
                "on conflict (id) do update set client_id = excluded.client_id, "
                "rev = excluded.rev, doc = excluded.doc", rows)


def _copy(conn: Conn, records: Iterable[Record], revs: dict[tuple[str, str], int]) -> int:
    """Many records at once, validated, in their order (COPY: the fast way in), with the
    revision after ``revs`` (what was there); one COPY per run of records of one table, so
    nothing is gathered first. Returns how many."""
    written = 0
    for table, run in groupby(records, key=lambda r: TABLES[type(r)]):
        with conn.cursor() as cur, cur.copy(
                f"copy {table} (id, client_id, rev, doc) from stdin") as copy:
            for r in run:
                validate(r)
                rev = max(r.rev, 1, revs.get((table, r.id), -1) + 1)
                doc = encode(r if r.rev == rev else replace(r, rev=rev))
                copy.write_row((r.id, audit.client_of(table, r.id, doc), rev, Json(doc)))
                written += 1
    return written


def _audit(conn: Conn, entries: Iterable[dict[str, Any]]) -> None:
    rows = [(e["seq"], n, e["at"], e["by"], e["table"], e["id"], e["client_id"], e["op"],
             Json(e["changes"])) for n, e in enumerate(entries)]
    with conn.cursor() as cur:
        cur.executemany("insert into audit (seq, n, at, login, tbl, record_id, client_id, "
                        "op, changes) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
