"""The read side shared by the command line and the TUI: a snapshot, the review, a client, documents (changes go through :mod:`storage.actions`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from storage import review_cache, review_digest
from storage.actions import Actions
from storage.database import Settings
from storage.repositories import Store
from storage.snapshot import Snapshot
from tracker.lookup import resolve_client
from tracker.models import (
    Agency,
    CadenceSettings,
    Client,
    Interaction,
    InteractionKind,
)
from tracker.review import assess, build_review
from tracker.review_inputs import for_review
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

if TYPE_CHECKING:  # documents and the demo are imported by the commands that use them
    from storage.templates import Rendered, RenderJob
    from tracker.documents import Sender

R = TypeVar("R")


class NotEmpty(Exception):
    """The data file already holds an agency."""


class Workspace:
    """One data file, the person using it and the clock, as the app and the CLI see them."""

    def __init__(self, path: str | Path, user: str, clock: Callable[[], date],
                 thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 settings: Settings | None = None, lazy: bool = False,
                 cadence: CadenceSettings | None = None) -> None:
        self.store = Store(path, settings, author=user, lazy=lazy)
        self.new_client_cadence = cadence or CadenceSettings()  # the agency's defaults
        self.act = Actions(self.store, user, clock, compacted=self.renew_digest)
        self.user = user
        self.clock = clock
        self.thresholds = thresholds
        self._seen: object = None
        self._digest_of: object = None  # the data file whose review digest is known current

    @property
    def path(self) -> Path:
        return self.store.path

    def snapshot(self, today: date | None = None, ahead: bool = False) -> Snapshot:
        """Everything as of ``today``; the review is kept for the next start. ``ahead``:
        keep tomorrow's review too (the app does, in the background: the next morning's
        first start and digest then find it ready if nobody saved overnight)."""
        day = today or self.clock()
        token = self._seen = self.store.db.token()
        agency = self.store.load_agency()
        found = assess(agency, day, self.thresholds)
        snap = Snapshot(today=day, loaded=agency, assessments=found,
                        review=build_review(agency, day, self.thresholds, found),
                        team=Snapshot.team_of(agency))
        days = {day: snap.review}
        if ahead:
            tomorrow = day + timedelta(days=1)
            days[tomorrow] = build_review(agency, tomorrow, self.thresholds)
        if self.store.db.token() == token:  # nobody saved meanwhile: worth keeping
            review_cache.write(self.path, token, self.thresholds, days, len(agency.clients),
                               self.store.db.mode, snap.team)
            self._keep_digest(agency, day)
        return snap

    def _keep_digest(self, agency: Agency, day: date) -> None:
        """After the data file was replaced, keep what reviews need from it (see
        storage.review_digest); while it stays, the journal's changes are replayed."""
        base, seq = self.store.db.position
        if base == self._digest_of:
            return  # checked (or written) for this data file already: nothing to read
        if not review_digest.current(self.path, self.thresholds, base):
            review_digest.write(self.path, for_review(agency, day, self.thresholds), day, seq,
                                base, self.thresholds, self.store.db.mode)
        self._digest_of = base

    def renew_digest(self) -> None:
        """After the data file was replaced whole (compact, restore, demo, a full import):
        the records are in memory, so keep what cold reviews need."""
        self._keep_digest(self.store.load_agency(), self.clock())

    def review_snapshot(self, day: date | None = None) -> Snapshot:
        """Today's review for the command line, as cheaply as it can be had: kept, else from
        the digest plus the journal, else from every record."""
        day = day or self.clock()
        kept = self.cached_snapshot(day)
        if kept is not None:
            return kept
        token = self.store.db.token()
        agency = review_digest.read(self.path, day, self.thresholds,
                                    self.store.db.changes_since)
        if agency is None:
            return self.snapshot(day)
        review = build_review(agency, day, self.thresholds)
        team = Snapshot.team_of(agency)
        if self.store.db.token() == token:
            review_cache.write(self.path, token, self.thresholds, {day: review},
                               len(agency.clients), self.store.db.mode, team)
        return Snapshot(today=day, review=review, clients=len(agency.clients), team=team)

    def cached_snapshot(self, today: date | None = None) -> Snapshot | None:
        """Today's review from the cache, without reading the records; None if stale."""
        day = today or self.clock()
        token = self.store.db.token()
        snap = review_cache.peek(self.path, day, self.thresholds)
        if snap is not None:
            self._seen = token
        return snap

    def changed(self) -> bool:
        """Did anyone (this process included) save since the last snapshot? Two stats."""
        return self.store.db.token() != self._seen

    def is_empty(self) -> bool:
        return self.store.is_empty()

    def load_demo(self, clients: int = 25, events: int | None = None, seed: int = 7,
                  force: bool = False) -> Agency:
        if not force and not self.store.is_empty():
            raise NotEmpty(f"{self.path} already holds data; use --force to replace it")
        from tracker.demo import make_demo

        agency = make_demo(self.clock(), clients=clients, events=events, seed=seed)
        self.store.replace_all(agency, source="demo")
        self.renew_digest()
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
        model = build(name, self.store.load_agency(), client, self.clock(), sender,
                      request_id=request_id, call_id=call_id, month=month)
        return render(template, model, job)

    def find_client(self, text: str) -> Client:
        return resolve_client(self.store.clients.all(), text)

    def log(self, client: Client, kind: InteractionKind, on: date, note: str = "",
            ours: Sequence[str] = (), theirs: Sequence[str] = ()) -> Interaction:
        """Record an interaction; for a call, who attended (ours and theirs)."""
        return self.act.log(client, kind, on, note, ours, theirs)
