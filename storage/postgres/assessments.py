"""The review kept in the database (schema v2): each client's review items for a day, kept
in ``review_items`` for the days named in ``review_days`` (per thresholds: the ``basis``).

A client's items depend on that client's own records (its snoozes included: a snooze
belongs to the client its item key names) and on the team's load -- who covers the client
and, for a member with a limit, where the client falls in that member's active clients.
So a change recomputes its own clients, and a change to a member, an assignment, or to
whether a client is there and active also recomputes every client of the members it
involves (:func:`touched`). The review of a day is then one read of its rows, ranked
(:func:`read`); a day not kept yet is computed for every client and kept (``days.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

import orjson
from psycopg.types.json import Json

from storage.postgres import summaries
from storage.postgres.reads import Conn, decoder, records
from storage.snapshot import Cover, item_doc, item_of
from storage.tables import TABLES
from tracker.history import histories
from tracker.models import Agency, Assignment, Client, TeamMember
from tracker.record_types import Record
from tracker.review import (
    ClientAssessment,
    assess_history,
    cadence_items,
    rank_review,
    request_items,
    sign_items,
    summary_items,
)
from tracker.review_items import ReviewItem
from tracker.settings import Thresholds
from tracker.warning_signs import TeamLoad, team_load

T = TypeVar("T", bound=Record)

V2: tuple[str, ...] = (
    "create table review_days (day date not null, basis text not null, "
    "at timestamptz not null default clock_timestamp(), primary key (basis, day))",
    "create table review_items (basis text not null, day date not null, "
    "client_id text not null, items json not null, primary key (basis, day, client_id))",
)

#: Schema v3: each client's assessment kept beside its items (``summaries.py``), a row for
#: every client. The reviews kept by v2 lack it: they go (the next read keeps the day anew).
V3: tuple[str, ...] = (
    "delete from review_items",
    "delete from review_days",
    "alter table review_items add column assessment json not null",
)

#: A client's review items and its assessment, on one day.
Found = dict[date, dict[str, tuple[list[ReviewItem], ClientAssessment]]]


def basis(t: Thresholds) -> str:
    """What a kept review was computed with (a session with other thresholds recomputes)."""
    return repr(t)


def days(conn: Conn, t: Thresholds) -> list[date]:
    return [d for (d,) in conn.execute("select day from review_days where basis = %s",
                                       (basis(t),)) if isinstance(d, date)]


def touched(conn: Conn, saved: Sequence[Record], deleted: Sequence[Record],
            before: dict[tuple[str, str], Record], owners: Iterable[str]) -> set[str]:
    """The clients whose review a change (already written) may alter: ``before`` holds the
    records as they were."""
    clients = {c for c in owners if c}
    members: set[str] = set()
    moved: set[str] = set()  # clients now counted differently in their members' load
    for r in [*saved, *deleted]:
        was = before.get((TABLES[type(r)], r.id))
        if isinstance(r, TeamMember):
            members.add(r.id)
        elif isinstance(r, Assignment):
            members.add(r.member_id)
            if isinstance(was, Assignment):
                members.add(was.member_id)
        elif isinstance(r, Client):
            gone = r in deleted
            if gone or not isinstance(was, Client) or \
                    (was.status == "active") != (r.status == "active"):
                moved.add(r.id)
    if moved:
        members |= {str(m) for (m,) in conn.execute(
            "select doc->>'member_id' from assignments where client_id = any(%s)",
            (list(moved),))}
    if members:
        clients |= {str(c) for (c,) in conn.execute(
            "select client_id from assignments where doc->>'member_id' = any(%s)",
            (list(members),))}
    return clients


def compute(conn: Conn, day_list: Sequence[date], t: Thresholds,
            client_ids: Sequence[str] | None = None) -> Found:
    """Each client's items and assessment (of ``client_ids``, else every client's) for each
    day."""
    team = _team(conn, client_ids)
    parts: dict[str, tuple[Any, ...]] = {}
    for cls, name in TABLES.items():
        if cls is TeamMember:
            continue
        parts[name] = (records(conn, cls) if client_ids is None
                       else _where(conn, cls, "client_id = any(%s)", client_ids))
    agency = Agency(**parts)
    out: Found = {}
    for day in day_list:
        snoozed = {s.item_key for s in agency.snoozes if s.until > day}
        found = out[day] = {}
        for h in histories(agency).values():
            a = assess_history(h, team, day, t)
            items = [*cadence_items(a, day), *sign_items(a, day), *request_items(a, day),
                     *summary_items(a, day, t)]
            found[h.client.id] = ([i for i in items if i.key not in snoozed], a)
    return out


def _team(conn: Conn, client_ids: Sequence[str] | None) -> TeamLoad:
    """The team's load as far as these clients' reviews see it: their members, and those
    members' assignments and active clients (all of it for every client)."""
    if client_ids is None:
        active = [str(c) for (c,) in conn.execute(
            "select id from clients where doc->>'status' = 'active'")]
        return team_load(records(conn, TeamMember), records(conn, Assignment), active)
    members = [str(m) for (m,) in conn.execute(
        f"select distinct doc->>'member_id' from {TABLES[Assignment]} "
        "where client_id = any(%s)", (list(client_ids),))]
    assigned = _where(conn, Assignment, "doc->>'member_id' = any(%s)", members)
    active = [str(c) for (c,) in conn.execute(
        "select id from clients where id = any(%s) and doc->>'status' = 'active'",
        (sorted({a.client_id for a in assigned}),))]
    return team_load(_where(conn, TeamMember, "id = any(%s)", members), assigned, active)


def _where(conn: Conn, cls: type[T], where: str, ids: Sequence[str]) -> tuple[T, ...]:
    rows = conn.execute(f"select doc::text from {TABLES[cls]} where {where} order by pos",
                        (list(ids),)).fetchall()
    decode = decoder(cls)
    return tuple(decode(orjson.loads(str(doc))) for (doc,) in rows)


def store(conn: Conn, t: Thresholds, found: Found, clients: Sequence[str] = ()) -> None:
    """Replace the kept items of these clients (and of ``clients``, which may be gone) on
    these days, in the caller's transaction."""
    key = basis(t)
    for day, by_client in found.items():
        conn.execute("delete from review_items where basis = %s and day = %s and "
                     "client_id = any(%s)", (key, day, sorted({*by_client, *clients})))
        rows = [(key, day, cid, Json([item_doc(i) for i in items]), Json(summaries.encode(a)))
                for cid, (items, a) in by_client.items()]
        with conn.cursor() as cur:
            cur.executemany("insert into review_items (basis, day, client_id, items, "
                            "assessment) values (%s, %s, %s, %s, %s)", rows)


def recompute(conn: Conn, t: Thresholds, clients: set[str]) -> None:
    """After a save's writes: its clients' items on every kept day. Reviews kept with other
    thresholds are dropped (their sessions compute them again)."""
    conn.execute("delete from review_items where basis <> %s", (basis(t),))
    conn.execute("delete from review_days where basis <> %s", (basis(t),))
    kept = days(conn, t)
    if kept and clients:
        ids = sorted(clients)
        store(conn, t, compute(conn, kept, t, ids), ids)


def forget(conn: Conn) -> None:
    """Everything changed (a replacement): every kept review goes; reads compute anew."""
    conn.execute("delete from review_items")
    conn.execute("delete from review_days")


def read(conn: Conn, day: date, t: Thresholds) -> tuple[ReviewItem, ...] | None:
    """The kept review of ``day``, ranked (None: not kept)."""
    key = basis(t)
    if conn.execute("select 1 from review_days where basis = %s and day = %s",
                    (key, day)).fetchone() is None:
        return None
    rows = conn.execute("select items::text from review_items where basis = %s and day = %s",
                        (key, day)).fetchall()
    return rank_review(item_of(i) for (doc,) in rows for i in orjson.loads(str(doc)))


def overview(conn: Conn, day: date, t: Thresholds,
             ) -> tuple[tuple[ReviewItem, ...], Agency, tuple[ClientAssessment, ...]] | None:
    """The kept review of ``day`` with the roster (clients, members, assignments) and every
    client's kept assessment (None: the day is not kept). A client without a kept row (none
    should lack one) is assessed here from its records."""
    key = basis(t)
    if conn.execute("select 1 from review_days where basis = %s and day = %s",
                    (key, day)).fetchone() is None:
        return None
    roster = Agency(clients=records(conn, Client), members=records(conn, TeamMember),
                    assignments=records(conn, Assignment))
    rows = conn.execute("select client_id, items::text, assessment::text from review_items "
                        "where basis = %s and day = %s", (key, day)).fetchall()
    kept = {str(cid): (orjson.loads(str(items)), orjson.loads(str(a)))
            for cid, items, a in rows}
    missing = [c.id for c in roster.clients if c.id not in kept]
    late = compute(conn, [day], t, missing)[day] if missing else {}
    assigned: dict[str, list[Assignment]] = {}
    for x in roster.assignments:
        assigned.setdefault(x.client_id, []).append(x)
    found, items = [], []
    for c in roster.clients:
        if c.id in late:
            mine, a = late[c.id]
            items += mine
            found.append(a)
        else:
            docs, doc = kept[c.id]
            items += [item_of(i) for i in docs]
            found.append(summaries.decode(doc, c, tuple(assigned.get(c.id, ()))))
    return rank_review(items), roster, tuple(found)


def team(conn: Conn) -> tuple[tuple[Cover, ...], int]:
    """The team (who covers whom, as :meth:`Snapshot.team_of` says) and how many clients."""
    covers: dict[str, list[str]] = {}
    for a in records(conn, Assignment):
        covers.setdefault(a.member_id, []).append(a.client_id)
    row = conn.execute("select count(*) from clients").fetchone()
    return (tuple(Cover(name=m.name, login=m.login, clients=tuple(covers.get(m.id, ())))
                  for m in records(conn, TeamMember)), int(str(row[0])) if row else 0)
