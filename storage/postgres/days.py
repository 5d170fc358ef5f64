"""A day's review kept for every client (the first read of a day not kept yet), and the
same computed without keeping it (for a role that may only read).

A whole day takes seconds at thousands of clients, so it is computed from one consistent
read *without* the change lock -- everyone's saves go on meanwhile -- and only kept under
the lock (:func:`keep_found`), where the clients whose records changed since that read are
computed again (a record moved between clients: both). A change to the team, or a client
added, removed or paused in that window, can move any client's review (who covers whom, who
is over capacity): then the day is computed again under the lock (:func:`keep_all`), as
rare as such a change during those seconds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import orjson

from storage.postgres.assessments import Found, basis, compute, store
from storage.postgres.reads import Conn, records
from storage.tables import TABLES
from tracker.history import ClientHistory
from tracker.models import Agency, Assignment, Client, TeamMember
from tracker.review import ClientAssessment, rank_review
from tracker.review_items import ReviewItem
from tracker.settings import Thresholds

#: How many days are kept per basis (today and tomorrow, say): a save recomputes each.
KEPT_DAYS = 2

#: Clients computed at once when a whole day is: their records are what is held in memory.
BATCH = 250

#: Changes to these can move any client's review (the team's load); so can a client that
#: comes, goes or changes status (the active clients a member's load counts).
TEAM = frozenset({TABLES[TeamMember], TABLES[Assignment]})
CLIENTS = TABLES[Client]

Overview = tuple[tuple[ReviewItem, ...], Agency, tuple[ClientAssessment, ...]]


def compute_all(conn: Conn, day: date, t: Thresholds) -> tuple[Agency, Found]:
    """The roster, and every client's items and assessment on ``day``, ``BATCH`` clients at
    a time; each assessment without its history, so what is held is one batch's records."""
    roster = Agency(clients=records(conn, Client), members=records(conn, TeamMember),
                    assignments=records(conn, Assignment))
    ids = [c.id for c in roster.clients]
    found: dict[str, tuple[list[ReviewItem], ClientAssessment]] = {}
    for n in range(0, len(ids), BATCH):
        for cid, (mine, a) in compute(conn, [day], t, ids[n:n + BATCH])[day].items():
            found[cid] = (mine, replace(a, history=ClientHistory(
                client=a.client, assignments=a.history.assignments)))
    return roster, {day: found}


def unkept(conn: Conn, day: date, t: Thresholds) -> Overview:
    """What ``assessments.overview`` gives, computed and not kept."""
    roster, found = compute_all(conn, day, t)
    by_client = found[day]
    return (rank_review(i for items, _ in by_client.values() for i in items), roster,
            tuple(by_client[c.id][1] for c in roster.clients if c.id in by_client))


def may_keep(conn: Conn) -> bool:
    """Whether this role may keep a day (the reader may not: it computes, never keeps)."""
    row = conn.execute("select has_table_privilege('review_items', 'INSERT')").fetchone()
    return bool(row and row[0])


def is_kept(conn: Conn, day: date, t: Thresholds) -> bool:
    return conn.execute("select 1 from review_days where basis = %s and day = %s",
                        (basis(t), day)).fetchone() is not None


def keep_found(conn: Conn, day: date, t: Thresholds, found: Found, since: object) -> bool:
    """Keep ``found`` (computed as of change ``since``) as ``day``'s review, with the
    clients whose records changed after it computed again; the caller holds the change
    lock. False (nothing kept) if the team, the clients' number or status, or everything
    changed meanwhile."""
    changed: set[str] = set()
    for tbl, cid, op, raw in conn.execute("select tbl, client_id, op, changes::text from "
                                          "audit where seq > %s", (since,)):
        fields = orjson.loads(str(raw)) if raw else {}
        if op == "replace_all" or tbl in TEAM or (
                tbl == CLIENTS and (op != "update" or "status" in fields)):
            return False
        # the client it belongs to, and the one it was moved from
        changed |= {str(c) for c in (cid, *(fields.get("client_id") or ())) if c}
    store(conn, t, found)
    if changed:
        ids = sorted(changed)
        store(conn, t, compute(conn, [day], t, ids), ids)
    _mark(conn, day, t)
    return True


def keep_all(conn: Conn, day: date, t: Thresholds) -> None:
    """Compute ``day`` for every client and keep it; the caller holds the change lock."""
    ids = [str(c) for (c,) in conn.execute("select id from clients order by pos")]
    for n in range(0, len(ids), BATCH):  # memory stays that of one batch's records
        store(conn, t, compute(conn, [day], t, ids[n:n + BATCH]))
    _mark(conn, day, t)


def _mark(conn: Conn, day: date, t: Thresholds) -> None:
    """``day`` is kept; the oldest kept day beyond ``KEPT_DAYS`` goes."""
    key = basis(t)
    conn.execute("insert into review_days (day, basis) values (%s, %s)", (day, key))
    for table in ("review_items", "review_days"):
        conn.execute(f"delete from {table} where basis = %s and day not in (select day from "
                     "review_days where basis = %s order by at desc limit %s)",
                     (key, key, KEPT_DAYS))
