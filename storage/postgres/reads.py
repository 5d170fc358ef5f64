"""The reads, each one query: every record of a type (in the order they were first saved,
as the data file keeps them), one client's records, one record by id, the audit trail.
Documents are decoded by the data file's own decoder (``storage.codecs.fast_decoder``)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import orjson
import psycopg

from storage.audit import AuditEntry, Change
from storage.codecs import fast_decoder
from storage.tables import TABLE_OF, TABLES
from tracker.lookup import ClientName
from tracker.models import Agency
from tracker.record_types import Record

T = TypeVar("T", bound=Record)
Conn = psycopg.Connection[tuple[object, ...]]


_DECODERS: dict[type, Callable[[Any], Any]] = {}


def decoder(cls: type[T]) -> Callable[[Any], T]:
    """The data file's decoder for ``cls`` (built once per type)."""
    if cls not in _DECODERS:
        _DECODERS[cls] = fast_decoder(cls)
    return _DECODERS[cls]


def records(conn: Conn, cls: type[T], client_id: str | None = None) -> tuple[T, ...]:
    """Every record of ``cls`` (of one client's, with ``client_id``), oldest first."""
    table = TABLES[cls]
    # as text, parsed here: a third faster than psycopg's jsonb loader row by row
    if client_id is None:
        rows = conn.execute(f"select doc::text from {table} order by pos").fetchall()
    else:
        rows = conn.execute(f"select doc::text from {table} where client_id = %s "
                            "order by pos", (client_id,)).fetchall()
    decode = decoder(cls)
    return tuple(decode(orjson.loads(str(doc))) for (doc,) in rows)


def client_names(conn: Conn) -> tuple[ClientName, ...]:
    """Every client's id and name, oldest first: the documents parsed but not decoded into
    clients (a fifth of the time at 5,000 clients)."""
    rows = conn.execute("select doc::text from clients order by pos").fetchall()
    return tuple(ClientName(d["id"], d["name"]) for (doc,) in rows
                 for d in (orjson.loads(str(doc)),))


def agency(conn: Conn, client_id: str | None = None) -> Agency:
    """Every record (or one client's), read in one transaction so the parts agree."""
    # Decoding 100,000 documents sets off the cyclic collector dozens of times for nothing
    # (records hold no cycles), and long-lived records kept out of later collections spare
    # the app pauses: as the data file's reader does (storage/engine/database.py).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with conn.transaction():
            conn.execute("set transaction isolation level repeatable read read only")
            parts: dict[str, tuple[Any, ...]] = {
                name: records(conn, cls, client_id) for cls, name in TABLES.items()}
    finally:
        if client_id is None:
            gc.freeze()
        if was_enabled:
            gc.enable()
    return Agency(**parts)


def one(conn: Conn, cls: type[T], record_id: str) -> T | None:
    row = conn.execute(f"select doc from {TABLES[cls]} where id = %s",
                       (record_id,)).fetchone()
    return None if row is None else decoder(cls)(row[0])


def current(conn: Conn, records_: Iterable[Record]) -> dict[tuple[str, str], Record]:
    """What is stored now of ``records_`` (by table and id; missing ones left out)."""
    ids: dict[str, list[str]] = {}
    for r in records_:
        ids.setdefault(TABLES[type(r)], []).append(r.id)
    out: dict[tuple[str, str], Record] = {}
    for table, wanted in ids.items():
        decode: Callable[[Any], Record] = decoder(TABLE_OF[table])
        for record_id, doc in conn.execute(f"select id, doc from {table} where id = any(%s)",
                                           (wanted,)):
            out[table, str(record_id)] = decode(doc)
    return out


def is_empty(conn: Conn) -> bool:
    query = " union all ".join(f"(select 1 from {name} limit 1)" for name in TABLES.values())
    return conn.execute(query).fetchone() is None


def history(conn: Conn, client_id: str | None = None) -> list[AuditEntry]:
    """The trail (of one client's records, and every replacement of everything), oldest
    first."""
    query = "select seq, at, login, tbl, record_id, client_id, op, changes from audit"
    if client_id is None:
        rows = conn.execute(query + " order by seq, n").fetchall()
    else:
        rows = conn.execute(query + " where client_id = %s or op = 'replace_all' "
                            "order by seq, n", (client_id,)).fetchall()
    return [AuditEntry(seq=int(str(seq)), at=str(at), by=str(by), table=str(table),
                       record_id=str(rid), client_id=str(cid), op=str(op),
                       changes=tuple(Change(field=k, old=v[0], new=v[1])
                                     for k, v in _changes(changes)))
            for seq, at, by, table, rid, cid, op, changes in rows]


def _changes(value: object) -> list[tuple[str, list[Any]]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, dict) else []
