"""``PgStore``: the agency's records in a PostgreSQL database as a
:class:`storage.contract.Storage`, for one person (``author``).

What each member does here: reads are queries (every record, one client's, one type's, one
by id), read afresh each time -- nothing of the data is kept in the process; ``save`` and
``replace_all`` are one transaction each (``changes.py``); ``token`` is the change counter,
one one-row query; ``history`` reads the audit table. The full snapshot is computed from
every record; ``review`` reads the review kept per client in the database (recomputed by
each save for the clients it touches: ``assessments.py``), and the first review of a day
not kept yet computes it for every client and keeps it -- a read that writes, under the
change lock so no save slips between; a role that may not write (the reader) gets it
computed and not kept. ``keep`` has nothing more to keep; ``kept_review`` is the day's
review once it is kept, without working it out. Backups are the database's own
(``pg_dump``): keeping one or restoring one through the app is refused in one line;
``compact`` has nothing to fold.

Up to two connections per store (``pool.py``), opened on first use and each held by one
thread at a time: the app's background read and a save made meanwhile each have their own.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import psycopg

from storage.contract import LOOK_SECONDS, Repository
from storage.engine.settings import utc_now
from storage.errors import NotFound, StorageError
from storage.files import Privacy
from storage.locations import redact
from storage.postgres import assessments, changes, days, reads
from storage.postgres.connection import CHANNEL, connect_timeout
from storage.postgres.pool import Conn, Connections
from storage.snapshot import Snapshot
from storage.tables import records_in
from tracker.lookup import ClientName
from tracker.models import (
    AccessGrant,
    Activity,
    Agency,
    Assignment,
    BudgetChange,
    ChangeRequest,
    Client,
    ContactChange,
    Interaction,
    NpsResponse,
    ScopeItem,
    SignState,
    Snooze,
    TeamMember,
)
from tracker.record_types import Record
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

if TYPE_CHECKING:
    from storage.audit import AuditEntry
    from storage.engine.recovery import Restored

T = TypeVar("T", bound=Record)
R = TypeVar("R")

#: What ``keep_backup`` and ``restore`` say: a database is backed up by its own tools.
#: How long a session waits without any notification before it looks all the same.
QUIET_SECONDS = 30.0

USE_PG_DUMP = ("backups of a PostgreSQL database are the database's own: pg_dump and "
               "pg_restore (see docs/postgresql.md)")


class PgStore:
    """The records of the database at ``url``, for ``author`` (the login the audit trail
    names, beside the database role the server authenticated)."""

    def __init__(self, url: str, author: str = "", lazy: bool = False, *,
                 thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 now: Callable[[], datetime] = utc_now, lock_timeout: float = 10.0) -> None:
        self.url = url
        self.lock_timeout = lock_timeout  # seconds a change waits for the one before
        self.author = author
        self.thresholds = thresholds
        self._now = now
        self._pool = Connections(url, lock_timeout)
        self._working_out = threading.Lock()  # a new day's review, being worked out
        self.clients = Repository(self, Client)
        self.members = Repository(self, TeamMember)
        self.assignments = Repository(self, Assignment)
        self.scope_items = Repository(self, ScopeItem)
        self.change_requests = Repository(self, ChangeRequest)
        self.interactions = Repository(self, Interaction)
        self.nps = Repository(self, NpsResponse)
        self.budget_changes = Repository(self, BudgetChange)
        self.access_grants = Repository(self, AccessGrant)
        self.contact_changes = Repository(self, ContactChange)
        self.sign_states = Repository(self, SignState)
        self.snoozes = Repository(self, Snooze)
        self.activities = Repository(self, Activity)
        if not lazy:
            with self._connection():
                pass

    def _connection(self) -> AbstractContextManager[Conn]:
        """A connection for this thread until the block ends (``pool.Connections``)."""
        return self._pool.held()

    def close(self) -> None:
        """Close the connections; the next read or change opens one again."""
        self._pool.close()

    @property
    def path(self) -> Path:
        return Path(redact(self.url))

    @property
    def privacy(self) -> Privacy:
        return Privacy()  # what is made from it is its reader's own: 0600

    def now(self) -> datetime:
        return self._now()

    # --- reading ---------------------------------------------------------------------

    def load_agency(self) -> Agency:
        with self._connection() as conn:
            return reads.agency(conn)

    def client_records(self, client_id: str) -> Agency:
        with self._connection() as conn:
            return reads.agency(conn, client_id)

    def records(self, cls: type[T]) -> tuple[T, ...]:
        with self._connection() as conn:
            return reads.records(conn, cls)

    def get(self, cls: type[T], record_id: str) -> T:
        with self._connection() as conn:
            found = reads.one(conn, cls, record_id)
        if found is None:
            raise NotFound(f"no {cls.__name__} with id {record_id!r}")
        return found

    def client_names(self) -> tuple[ClientName, ...]:
        with self._connection() as conn:
            return reads.client_names(conn)

    def is_empty(self) -> bool:
        with self._connection() as conn:
            return reads.is_empty(conn)

    def token(self) -> object:
        with self._connection() as conn:
            row = conn.execute("select seq from change_counter").fetchone()
        return None if row is None else row[0]

    async def looks(self) -> AsyncIterator[None]:
        """Once listening (anything saved before it is looked for too), then at each save's
        notification, and every ``QUIET_SECONDS`` of silence besides (a notification is
        lost with its connection). A connection of its own, asynchronous: the app's event
        loop waits on it without a thread. Unreachable: yields every ``LOOK_SECONDS``."""
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        self.url, autocommit=True,
                        connect_timeout=connect_timeout(self.url)) as conn:
                    await conn.execute(f"listen {CHANNEL}")
                    while True:
                        yield
                        heard = False
                        async for _ in conn.notifies(timeout=QUIET_SECONDS, stop_after=1):
                            heard = True  # any number of saves asks for one look
                        if not heard:  # silence: is the connection still there?
                            await conn.execute("select 1")
            except psycopg.Error:
                yield  # the look says what is wrong
                await asyncio.sleep(LOOK_SECONDS)

    # --- the review ---------------------------------------------------------------------

    def snapshot(self, day: date) -> Snapshot:
        return Snapshot.assessed(self.load_agency(), day, self.thresholds)

    def review(self, day: date) -> Snapshot:
        with self._connection() as conn:
            items = self._kept(conn, day, lambda: assessments.read(conn, day, self.thresholds))
            with conn.transaction():  # one consistent read of the team and the review
                conn.execute("set transaction isolation level repeatable read read only")
                team, clients = assessments.team(conn)
                if items is None:  # a role that may only read: computed, client by client
                    items = days.unkept(conn, day, self.thresholds)[0]
        return Snapshot(today=day, review=items, clients=clients, team=team)

    def overview(self, day: date) -> Snapshot:
        """The review, the roster and every client's kept assessment: a summary snapshot
        (one client's records are read when asked for: :meth:`client_records`)."""
        with self._connection() as conn:
            found = self._kept(conn, day,
                               lambda: assessments.overview(conn, day, self.thresholds))
            if found is None:  # a role that may only read: computed, client by client
                with conn.transaction():
                    conn.execute("set transaction isolation level repeatable read read only")
                    found = days.unkept(conn, day, self.thresholds)
        items, roster, assessed = found
        return Snapshot(today=day, review=items, loaded=roster, assessments=assessed,
                        team=Snapshot.team_of(roster), summary=True)

    def _kept(self, conn: psycopg.Connection[tuple[object, ...]], day: date,
              read: Callable[[], R | None]) -> R | None:
        """``read`` of the day's kept review, in one consistent read; the day kept first
        if it is not (None if it is not and this role may not keep it)."""
        for _ in range(2):
            with conn.transaction():
                conn.execute("set transaction isolation level repeatable read read only")
                found = read()
            if found is not None or not self._keep_day(conn, day):
                return found
        return None

    def _keep_day(self, conn: psycopg.Connection[tuple[object, ...]], day: date) -> bool:
        """Compute ``day`` for every client from one consistent read, without holding up
        anyone's save, then keep it under the change lock (``days.py``); False: this role
        may not keep it."""
        with self._working_out:  # one day's work at a time in this process: a second
            # thread asking meanwhile (the app's save, re-reading) waits for it, then finds it
            if days.is_kept(conn, day, self.thresholds):
                return True
            return self._work_out(conn, day)

    def _work_out(self, conn: Conn, day: date) -> bool:
        t = self.thresholds
        try:
            if not days.may_keep(conn):
                return False
            with conn.transaction():
                conn.execute("set transaction isolation level repeatable read read only")
                since = conn.execute("select seq from change_counter").fetchone()
                found = days.compute_all(conn, day, t)[1]
            with conn.transaction():
                conn.execute("select set_config('lock_timeout', %s, true)",
                             (f"{int(self.lock_timeout * 1000)}ms",))
                conn.execute("select seq from change_counter for update")
                if not days.is_kept(conn, day, t) and not days.keep_found(
                        conn, day, t, found, since[0] if since else 0):
                    days.keep_all(conn, day, t)  # the team changed meanwhile: all again
            return True
        except psycopg.errors.InsufficientPrivilege:
            return False

    def kept_review(self, day: date) -> Snapshot | None:
        """The day's review if it is kept (every save keeps it current): a query; None if
        nobody has worked the day out yet (:meth:`review` would, which takes seconds on a
        large agency)."""
        with self._connection() as conn, conn.transaction():
            conn.execute("set transaction isolation level repeatable read read only")
            items = assessments.read(conn, day, self.thresholds)
            if items is None:
                return None
            team, clients = assessments.team(conn)
        return Snapshot(today=day, review=items, clients=clients, team=team)

    def keep(self, snap: Snapshot, seen: object, ahead: bool = False) -> None:
        """Nothing: the reads here need nothing kept."""

    # --- writing ---------------------------------------------------------------------

    def save(self, puts: Sequence[Record] = (), deletes: Sequence[Record] = ()) -> list[Record]:
        with self._connection() as conn:
            return changes.save(conn, puts, deletes, self.author, self._now(),
                                self.lock_timeout, self.thresholds)

    def replace_all(self, agency: Agency | Iterable[Record], source: str = "") -> None:
        with self._connection() as conn:
            changes.replace_all(conn, records_in(agency), self.author, self._now(), source,
                                self.lock_timeout)

    # --- the audit trail and upkeep ----------------------------------------------------

    def history(self, client_id: str | None = None) -> list[AuditEntry]:
        with self._connection() as conn:
            return reads.history(conn, client_id)

    def keep_backup(self) -> Path:
        raise StorageError(USE_PG_DUMP)

    def restore(self, backup: str) -> Restored:
        raise StorageError(USE_PG_DUMP)

    def compact(self) -> None:
        """Nothing to fold: every change is in its tables (the server vacuums them)."""
