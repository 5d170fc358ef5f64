"""The connections of one :class:`storage.postgres.store.PgStore`: up to ``CONNECTIONS``
open at once, each held by one thread at a time; one is kept open between uses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import pq

from storage.errors import StorageError
from storage.locations import redact
from storage.postgres import schema
from storage.postgres.connection import connect, first_line

Conn = psycopg.Connection[tuple[object, ...]]

#: Connections one store opens at most: two, so that a change, or one client's records,
#: asked for on one thread never waits behind a long read on another (the app reads in the
#: background; the day's first review takes seconds on a large agency). The app's listener
#: has a connection of its own besides (:meth:`PgStore.looks`).
CONNECTIONS = 2


class Connections:
    """Connections to the database at ``url``; ``lock_timeout`` (seconds a change waits
    for the one before) is what a change that waited too long is told."""

    def __init__(self, url: str, lock_timeout: float) -> None:
        self.url = url
        self.lock_timeout = lock_timeout
        self._idle: list[Conn] = []  # opened, and held by no thread now
        self._opened = 0  # connections open (idle or held), at most CONNECTIONS
        self._held_now: set[int] = set()  # (ids of) those held by a thread
        self._doomed: set[int] = set()  # held when closed: closed when given back
        self._turn = threading.Condition()
        self._held = threading.local()  # this thread's connection while it holds one

    @contextmanager
    def held(self) -> Iterator[Conn]:
        """A connection for this thread until the block ends (the one it holds already, in
        a block within a block): an idle one, else a new one (the schema brought up to date
        first) while fewer than ``CONNECTIONS`` are open, else the next one given back. A
        database error leaves as one line."""
        held: Conn | None = getattr(self._held, "conn", None)
        if held is not None:
            yield held
            return
        conn = None
        try:
            conn = self._take()
            self._held.conn = conn
            try:
                yield conn
            finally:
                self._held.conn = None
        except psycopg.errors.LockNotAvailable:
            raise StorageError(
                f"{redact(self.url)}: another change has held the database for over "
                f"{self.lock_timeout:g} s; nothing was saved: try again") from None
        except psycopg.errors.InsufficientPrivilege:
            raise StorageError(
                f"{redact(self.url)}: your database role may not do this (reading needs "
                "the role scopekeeper_reader, changing scopekeeper_member: ask an admin, "
                "see docs/postgresql.md); nothing was saved") from None
        except psycopg.Error as e:
            raise StorageError(f"{redact(self.url)}: {first_line(e)}") from None
        finally:
            if conn is not None:
                self._give_back(conn)

    def _take(self) -> Conn:
        with self._turn:
            while True:
                while self._idle:
                    conn = self._idle.pop()
                    if not conn.closed:
                        self._held_now.add(id(conn))
                        return conn
                    self._opened -= 1  # dropped by the server meanwhile: opened anew
                if self._opened < CONNECTIONS:
                    self._opened += 1
                    break
                self._turn.wait()
        try:
            conn = connect(self.url)
            schema.migrate(conn, redact(self.url))
        except BaseException:
            self._forget()
            raise
        with self._turn:
            self._held_now.add(id(conn))
        return conn

    def _give_back(self, conn: Conn) -> None:
        with self._turn:
            self._held_now.discard(id(conn))
            # kept for the next block only if it is as a new one would be (no statement or
            # transaction left under way: a block cut short by an interrupt), and only one:
            # a second is opened for the moments two threads need one at once, and closed
            # after (a server's connections are counted, and shared by everyone's apps)
            if id(conn) not in self._doomed and not conn.closed and not self._idle and \
                    conn.info.transaction_status == pq.TransactionStatus.IDLE:
                self._idle.append(conn)
                self._turn.notify()
                return
            self._doomed.discard(id(conn))
        conn.close()
        self._forget()

    def _forget(self) -> None:
        with self._turn:
            self._opened -= 1
            self._turn.notify()

    def close(self) -> None:
        """Close the connections (one held by a thread now: once it is given back); the
        next read or change opens one again."""
        with self._turn:
            idle, self._idle = self._idle, []
            self._opened -= len(idle)
            self._doomed |= self._held_now
        for conn in idle:
            conn.close()
