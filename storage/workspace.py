"""The read side shared by the command line and the TUI: a snapshot, the review, a client, documents (changes go through :mod:`storage.actions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from storage.actions import Actions
from storage.backends import open_storage
from storage.errors import NotFound
from storage.locations import is_database_url, redact
from storage.snapshot import Snapshot
from tracker.lookup import ClientNotFound, resolve_client
from tracker.models import (
    Agency,
    CadenceSettings,
    Client,
    Interaction,
    InteractionKind,
)
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

if TYPE_CHECKING:  # documents and the demo are imported by the commands that use them
    from storage.contract import Storage
    from storage.engine.settings import Settings  # the TinyDB engine's, passed through
    from storage.templates import Rendered, RenderJob
    from tracker.documents import Sender

R = TypeVar("R")

#: How many clients' records :meth:`Workspace.focus` remembers (the client screen, then its
#: forms, ask about the same client again and again).
FOCUSED = 4


class NotEmpty(Exception):
    """The data file already holds an agency."""


class Workspace:
    """One data file, the person using it and the clock, as the app and the CLI see them:
    what is read (changes: ``act``, :class:`storage.actions.Actions`). ``store`` is the
    backend, seen only through :class:`storage.contract.Storage`."""

    def __init__(self, path: str | Path, user: str, clock: Callable[[], date],
                 thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 settings: Settings | None = None, lazy: bool = False,
                 cadence: CadenceSettings | None = None,
                 review_copy: Path | None = None) -> None:
        self._location = path
        self.store: Storage = open_storage(path, author=user, clock=clock,
                                           thresholds=thresholds, settings=settings, lazy=lazy)
        self.new_client_cadence = cadence or CadenceSettings()  # the agency's defaults
        self.act = Actions(self.store, user, clock)
        self.user = user
        self.clock = clock
        self.thresholds = thresholds
        self._seen: object = None
        #: where this person keeps the last review read from a database (None: a file,
        #: which keeps its own beside it): see storage.review_cache.write_copy
        self.review_copy = review_copy
        self._focused: list[tuple[Snapshot, str, Snapshot]] = []  # of one snapshot: focus

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def data_file(self) -> Path | None:
        """The data file; None when the data is in a PostgreSQL database (no files here)."""
        return None if is_database_url(str(self._location)) else self.store.path

    @property
    def where(self) -> str:
        """Where the data is, as it may be shown (a URL without any password)."""
        return str(self.store.path) if self.data_file else redact(str(self._location))

    def snapshot(self, today: date | None = None) -> Snapshot:
        """What a session shows as of ``today``: every client with its assessment, the
        review and the team -- a summary without everyone's history where the backend keeps
        the assessments (one client's records: :meth:`focus`). A read: it writes nothing
        (see :meth:`keep`)."""
        day = today or self.clock()
        token = self.store.token()
        snap = self.store.overview(day)
        self._seen = token  # only once read: a failed read leaves the change to be seen
        return replace(snap, read_at=token)

    def focus(self, snap: Snapshot, client_id: str) -> Snapshot:
        """``snap`` with one client's records and its whole assessment, history included:
        ``snap`` itself unless it is a summary; else that client's records, read now (the
        last few are remembered while ``snap`` is the one asked about)."""
        if not snap.summary:
            return snap
        if self._focused and self._focused[0][0] is not snap:
            self._focused.clear()
        for _, client, focused in self._focused:
            if client == client_id:
                return focused
        from tracker.history import with_client
        from tracker.review import assess_client

        agency = with_client(snap.agency, self.store.client_records(client_id), client_id)
        mine = assess_client(agency, client_id, snap.today, self.thresholds)
        rest = tuple(a for a in snap.assessments if a.client.id != client_id)
        focused = replace(snap, loaded=agency, assessments=rest if mine is None else
                          (*rest, mine))
        self._focused = [*self._focused[-(FOCUSED - 1):], (snap, client_id, focused)]
        return focused

    def client_agency(self, client_id: str) -> Agency:
        """One client's records with the roster (every client, member and assignment): what
        a document or an assessment of that client reads, without everyone's history."""
        from tracker.history import with_client

        roster = Agency(clients=self.store.clients.all(), members=self.store.members.all(),
                        assignments=self.store.assignments.all())
        return with_client(roster, self.store.client_records(client_id), client_id)

    def review_snapshot(self, day: date | None = None) -> Snapshot:
        """Today's review for the command line, as cheaply as it can be had: kept, else as
        the storage gives it (the TinyDB engine: from the digest plus the journal, else from
        every record). A read: it writes nothing (see :meth:`keep`)."""
        day = day or self.clock()
        kept = self.cached_snapshot(day)
        if kept is not None:
            return kept
        token = self.store.token()
        snap = self.store.review(day)
        if not snap.partial:
            self._seen = token
        return replace(snap, read_at=token)

    def keep(self, snap: Snapshot, ahead: bool = False) -> None:
        """Keep what makes the next reads cheap, from ``snap`` (the TinyDB engine: the
        review for the next start, the digest for a cold ``review``), unless someone saved
        since it was read. ``ahead``: tomorrow's review too (the app does, in the
        background: the next morning's first start and digest then find it ready if nobody
        saved overnight). The one write a reader makes, named as one, and never needed:
        a reader that may not write (the data file's folder closed to it) loses nothing."""
        if snap.read_at is not None:
            self.store.keep(snap, snap.read_at, ahead)
            if self.review_copy is not None:
                from storage.review_cache import write_copy

                write_copy(self.review_copy, snap, self.thresholds)

    def cached_snapshot(self, today: date | None = None) -> Snapshot | None:
        """Today's review from the cache, without reading the records; None if stale."""
        day = today or self.clock()
        token = self.store.token()
        snap = self.store.kept_review(day)
        if snap is not None:
            self._seen = token
        return snap

    def changed(self) -> bool:
        """Did anyone (this process included) save since the last snapshot? Two stats."""
        return self.store.token() != self._seen

    def is_empty(self) -> bool:
        return self.store.is_empty()

    def load_demo(self, clients: int = 25, events: int | None = None, seed: int = 7,
                  force: bool = False) -> Agency:
        if not force and not self.store.is_empty():
            raise NotEmpty(f"{self.where} already holds data; use --force to replace it")
        from tracker.demo import make_demo

        agency = make_demo(self.clock(), clients=clients, events=events, seed=seed)
        self.store.replace_all(agency, source="demo")
        return agency

    # --- documents --------------------------------------------------------------------

    def sender(self, agency_name: str = "") -> Sender:
        """Who signs documents: the team member whose login is this person's."""
        from tracker.documents import Sender
        from tracker.documents.common import ROLE_WORDS

        me = next((m for m in self.store.members.all() if m.login == self.user), None)
        if me is None:
            return Sender(name=self.user, agency=agency_name)
        return Sender(name=me.name, role=ROLE_WORDS.get(me.role, str(me.role)),
                      agency=agency_name)

    def document(self, name: str, client: Client, sender: Sender, *,
                 templates: Path | None = None, builtin_only: bool = False,
                 request_id: str | None = None, call_id: str | None = None,
                 month: date | None = None, job: RenderJob | None = None) -> Rendered:
        """Document ``name`` for ``client``, rendered from its template (the user's
        override in ``templates`` unless ``builtin_only``); ``job`` lets another thread
        cancel the rendering."""
        from storage.templates import find, render
        from tracker.documents import build

        template = find(name, templates, builtin_only=builtin_only)
        model = build(name, self.client_agency(client.id), client, self.clock(), sender,
                      request_id=request_id, call_id=call_id, month=month)
        return render(template, model, job)

    def find_client(self, text: str) -> Client:
        """The client ``text`` names (``tracker.lookup.resolve_client``), found among the
        clients' names and then read alone."""
        found = resolve_client(self.store.client_names(), text)
        if isinstance(found, Client):
            return found
        try:
            return self.store.clients.get(found.id)
        except NotFound:  # deleted since the names were read
            raise ClientNotFound(f"no client matches {text.strip()!r}") from None

    def log(self, client: Client, kind: InteractionKind, on: date, note: str = "",
            ours: Sequence[str] = (), theirs: Sequence[str] = ()) -> Interaction:
        """Record an interaction; for a call, who attended (ours and theirs)."""
        return self.act.log(client, kind, on, note, ours, theirs)
