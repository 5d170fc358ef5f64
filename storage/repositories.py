"""The TinyDB engine as a :class:`storage.contract.Storage`: one data file and its journal
(``storage.engine``), the typed repositories over it, and what it keeps beside the file
for quick reads (today's review, the review digest) as a separate step after a read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from storage import backups, review_cache, review_digest
from storage.audit import AuditEntry
from storage.contract import LOOK_SECONDS, Repository
from storage.engine.database import Database
from storage.engine.formats import NewerSchema, load_records
from storage.engine.recovery import Restored
from storage.engine.settings import Settings
from storage.errors import NotFound, StorageError
from storage.files import Privacy
from storage.snapshot import Snapshot
from storage.tables import TABLES, records_in
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
from tracker.ownership import records_of
from tracker.record_types import Record
from tracker.review import build_review
from tracker.review_inputs import for_review
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

T = TypeVar("T", bound=Record)


class Store:
    """The TinyDB engine: every record of one data file, for ``author`` (the login the audit
    trail names). ``thresholds`` and ``clock`` are the review's: what the engine keeps for
    quick reviews is computed with them."""

    def __init__(self, path: str | Path, settings: Settings | None = None,
                 author: str = "", lazy: bool = False, *,
                 thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 clock: Callable[[], date] | None = None) -> None:
        self.db = Database(path, settings, lazy=lazy)
        self.author = author
        self.thresholds = thresholds
        self._clock = clock
        self._digest_of: object = None  # the data file whose review digest is known current
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

    def repo(self, cls: type[T]) -> Repository[T]:
        repo: Repository[T] = getattr(self, TABLES[cls])
        return repo

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def privacy(self) -> Privacy:
        return self.db.privacy

    def now(self) -> datetime:
        return self.db.settings.now()

    # --- reading ---------------------------------------------------------------------

    def load_agency(self) -> Agency:
        """Everything, as of now."""
        self.db.refresh()
        parts: dict[str, Any] = {name: tuple(self.db.tables[cls].values())
                                 for cls, name in TABLES.items()}
        return Agency(**parts)

    def client_records(self, client_id: str) -> Agency:
        parts: dict[str, list[Any]] = {name: [] for name in TABLES.values()}
        for record in records_of(self.load_agency(), client_id):
            parts[TABLES[type(record)]].append(record)
        return Agency(**{name: tuple(found) for name, found in parts.items()})

    def records(self, cls: type[T]) -> tuple[T, ...]:
        self.db.refresh()
        return tuple(self.db.memory.table(cls).values())

    def client_names(self) -> tuple[Client, ...]:
        return self.records(Client)  # decoded anyway when the file is read

    def get(self, cls: type[T], record_id: str) -> T:
        self.db.refresh()
        found: T | None = self.db.memory.find(cls, record_id)
        if found is None:
            raise NotFound(f"no {cls.__name__} with id {record_id!r}")
        return found

    def is_empty(self) -> bool:
        self.db.refresh()
        return self.db.memory.is_empty()

    def token(self) -> object:
        return self.db.token()

    async def looks(self) -> AsyncIterator[None]:
        """Every ``LOOK_SECONDS``: a file cannot say when someone saved."""
        import asyncio  # here: only the app watches, and the commands need not import it

        while True:
            await asyncio.sleep(LOOK_SECONDS)
            yield

    # --- the review, and what is kept for the next one -----------------------------------

    def snapshot(self, day: date) -> Snapshot:
        return Snapshot.assessed(self.load_agency(), day, self.thresholds)

    def overview(self, day: date) -> Snapshot:
        """The full snapshot: every record is in memory here anyway."""
        return self.snapshot(day)

    def review(self, day: date) -> Snapshot:
        """From the digest plus the journal's later changes, else from every record."""
        agency = review_digest.read(self.path, day, self.thresholds, self.db.changes_since)
        if agency is None:
            return self.snapshot(day)
        return Snapshot(today=day, review=build_review(agency, day, self.thresholds),
                        clients=len(agency.clients), team=Snapshot.team_of(agency))

    def kept_review(self, day: date) -> Snapshot | None:
        return review_cache.peek(self.path, day, self.thresholds)

    def keep(self, snap: Snapshot, seen: object, ahead: bool = False) -> None:
        """Today's review (and tomorrow's if ``ahead``) for the next start, and after a full
        read of a data file that replaced the last one, the review digest."""
        days = {snap.today: snap.review}
        if ahead and not snap.partial:
            tomorrow = snap.today + timedelta(days=1)
            days[tomorrow] = build_review(snap.agency, tomorrow, self.thresholds)
        if self.db.token() != seen:  # someone saved meanwhile: not worth keeping
            return
        clients = snap.clients if snap.partial else len(snap.agency.clients)
        review_cache.write(self.path, seen, self.thresholds, days, clients, self.db.mode,
                           snap.team)
        if not snap.partial:
            self._keep_digest(snap.agency, snap.today)

    def _keep_digest(self, agency: Agency, day: date) -> None:
        """After the data file was replaced, keep what reviews need from it (see
        storage.review_digest); while it stays, the journal's changes are replayed."""
        base, seq = self.db.position
        if base == self._digest_of:
            return  # checked (or written) for this data file already: nothing to read
        if not review_digest.current(self.path, self.thresholds, base):
            review_digest.write(self.path, for_review(agency, day, self.thresholds), day, seq,
                                base, self.thresholds, self.db.mode)
        self._digest_of = base

    def _renew_digest(self) -> None:
        """After the data file was replaced whole (a compaction, a restore, a replace): the
        records are in memory, so what cold reviews need is kept at little cost."""
        if self._clock is not None:
            self._keep_digest(self.load_agency(), self._clock())

    # --- writing ---------------------------------------------------------------------

    def save(self, puts: Sequence[Record] = (), deletes: Sequence[Record] = ()) -> list[Record]:
        base = self.db.position[0]
        saved = self.db.commit(puts, deletes, author=self.author)
        if self.db.position[0] != base:  # this save compacted: a new data file
            self._renew_digest()
        return saved

    def replace_all(self, agency: Agency | Iterable[Record], source: str = "") -> None:
        self.db.replace_all(records_in(agency), author=self.author, source=source)
        self._renew_digest()

    # --- the audit trail and upkeep ----------------------------------------------------

    def history(self, client_id: str | None = None) -> list[AuditEntry]:
        return self.db.history(client_id)

    def keep_backup(self) -> Path:
        return self.db.keep_backup()

    def compact(self) -> None:
        self.db.compact()
        self._renew_digest()

    def restore(self, backup: str) -> Restored:
        """Bring back a backup (a path, a name in backups/, or ``latest``) as the whole
        content, from whatever state the data file and journal are in (see
        ``storage/engine/recovery.py``): what was there is kept first, even damaged. ``latest`` is
        the newest backup that can be read; the unreadable ones it passed over are named."""
        passed_over: list[str] = []
        for source in backups.candidates(self.path, backup):
            try:
                meta, records = load_records(source, backups.read(source))
                break
            except NewerSchema:
                raise
            except StorageError as e:
                if backup != "latest":
                    raise
                passed_over.append(str(e))
        else:
            raise StorageError(f"nothing to restore: no backup in {backups.folder(self.path)} "
                               f"can be read (the newest: {passed_over[0]})")
        seq = meta.get("seq", 0)
        from storage.engine import recovery

        done = recovery.restore(self.db, source, records, seq if isinstance(seq, int) else 0,
                                self.author)
        self._renew_digest()
        return replace(done, passed_over=tuple(passed_over))
