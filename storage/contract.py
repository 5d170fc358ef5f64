"""What the rest of the program needs from storage: the ``Storage`` protocol, and the typed
``Repository`` view of one record type over it.

A backend (today the TinyDB file with its journal, :class:`storage.repositories.Store`;
issue 16 adds PostgreSQL) implements ``Storage``; :class:`storage.workspace.Workspace` and
:class:`storage.actions.Actions` see nothing else, and ``tests/storage/contract/`` holds the
behaviour every backend must show.

Reads come in four sizes so that a backend need not read what a screen does not show: the
whole agency (:meth:`Storage.snapshot`, :meth:`Storage.load_agency`), what a session shows
first (:meth:`Storage.overview`: every client's assessment, not every record, where the
backend keeps them), one client's records (:meth:`Storage.client_records`), and the review
alone (:meth:`Storage.review`, a query where the backend can answer it as one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from storage.tables import TABLES
from tracker.record_types import Record, as_type

if TYPE_CHECKING:
    from storage.audit import AuditEntry
    from storage.engine.recovery import Restored
    from storage.files import Privacy
    from storage.snapshot import Snapshot
    from tracker.lookup import Named
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

T = TypeVar("T", bound=Record)

#: How often a session looks for other people's saves where the backend cannot say.
LOOK_SECONDS = 1.0


class Storage(Protocol):
    """The agency's records as one backend keeps them, for one person (``author``: the
    login the audit trail names for every change made through it).

    Writes: :meth:`save` validates every record first (``ValidationError``, nothing
    written), then saves and deletes as one change, all or nothing. A record carries the
    revision it was read at (``rev``, 0 = new); a save of any other raises
    ``storage.errors.Conflict`` with both versions, and the saved records come back with
    the next revision."""

    author: str
    # the records by type (typed views over the reads and save below)
    clients: Repository[Client]
    members: Repository[TeamMember]
    assignments: Repository[Assignment]
    scope_items: Repository[ScopeItem]
    change_requests: Repository[ChangeRequest]
    interactions: Repository[Interaction]
    nps: Repository[NpsResponse]
    budget_changes: Repository[BudgetChange]
    access_grants: Repository[AccessGrant]
    contact_changes: Repository[ContactChange]
    sign_states: Repository[SignState]
    snoozes: Repository[Snooze]
    activities: Repository[Activity]

    @property
    def path(self) -> Path:
        """Where the data is, as people name it (``--db``): documents and exports are never
        written onto it (``storage.store_files``)."""

    @property
    def privacy(self) -> Privacy:
        """Who may read what is made from the data (documents, exports)."""

    def now(self) -> datetime:
        """The real instant, as the audit trail stamps it."""

    # --- reading ---------------------------------------------------------------------

    def load_agency(self) -> Agency:
        """Every record, as of now."""

    def client_records(self, client_id: str) -> Agency:
        """One client and every record of its (only those), as of now; an empty agency if
        there is no such client."""

    def records(self, cls: type[T]) -> tuple[T, ...]:
        """Every record of one type."""

    def get(self, cls: type[T], record_id: str) -> T:
        """One record by id (``NotFound`` if there is none)."""

    def client_names(self) -> Sequence[Named]:
        """Every client's id and name, in the order of :meth:`records`: what finding one
        client by what a person typed reads (the clients themselves where they are at hand
        anyway)."""

    def is_empty(self) -> bool:
        """No record at all (a new data file)."""

    def snapshot(self, day: date) -> Snapshot:
        """Every record, with the assessments and the review as of ``day``. Writes nothing."""

    def overview(self, day: date) -> Snapshot:
        """What a session shows first, as of ``day``: the review, every client with its
        assessment, the team. The full :meth:`snapshot` where every record is at hand
        anyway; a *summary* (``Snapshot.summary``) where the backend keeps the assessments
        and reading every record would cost the whole history. Writes nothing."""

    def review(self, day: date) -> Snapshot:
        """The review as of ``day``, as cheaply as the backend can give it (a partial
        snapshot when it need not read every record). Writes nothing."""

    def kept_review(self, day: date) -> Snapshot | None:
        """The review as of ``day`` if it is kept and current (nobody saved since it was
        kept, or every save keeps it current: a database); else None. Never worked out
        here: this is the quick read of a review someone already has."""

    def keep(self, snap: Snapshot, seen: object, ahead: bool = False) -> None:
        """Keep what makes the next reads cheap, from ``snap`` read when :meth:`token` was
        ``seen`` (nothing if someone saved since); ``ahead``: the next day's review too.
        The explicit, separate write after a read; a backend whose reads need nothing kept
        does nothing."""

    # --- watching --------------------------------------------------------------------

    def token(self) -> object:
        """A value that changes whenever anyone saves (compare two to see a change)."""

    def looks(self) -> AsyncIterator[None]:
        """The moments worth comparing :meth:`token` again, for as long as it is iterated
        (in an asyncio task: the app's): pushed by the backend where it can (PostgreSQL:
        LISTEN/NOTIFY, a moment after anyone's save, and now and then besides), else every
        ``LOOK_SECONDS`` (the data file: two stats each time). A backend that cannot be
        reached still yields (the look then says what is wrong) and tries again."""

    # --- writing ---------------------------------------------------------------------

    def save(self, puts: Sequence[Record] = (), deletes: Sequence[Record] = ()) -> list[Record]:
        """Save ``puts`` and delete ``deletes`` (records as read) as one change; the saved
        records with their new revisions (see the class)."""

    def replace_all(self, agency: Agency | Iterable[Record], source: str = "") -> None:
        """Make ``agency`` (or a stream of records, read once) the whole content in one
        change (what was there is backed up first); ``source`` ("demo", "import") is what
        the audit trail says it was."""

    # --- the audit trail and upkeep ----------------------------------------------------

    def history(self, client_id: str | None = None) -> list[AuditEntry]:
        """Every change (of one client's records, or all), oldest first, with who and when."""

    def keep_backup(self) -> Path:
        """A backup of the content as it is now."""

    def restore(self, backup: str) -> Restored:
        """Bring back a backup (a path, a name, or ``latest``) as the whole content."""

    def compact(self) -> None:
        """Fold whatever the backend keeps beside the content into it (may do nothing)."""


class Repository(Generic[T]):
    """One record type's records in a :class:`Storage`, found by their own ``id``. Every
    write goes through the storage's one :meth:`Storage.save`."""

    def __init__(self, storage: Storage, cls: type[T]) -> None:
        self.cls = cls
        self._storage = storage

    def all(self) -> tuple[T, ...]:
        return self._storage.records(self.cls)

    def get(self, record_id: str) -> T:
        return self._storage.get(self.cls, record_id)

    def save(self, record: T) -> T:
        """Validate and store ``record``; returns it with its new revision.

        Raises ValidationError (nothing written) or Conflict if someone else saved or
        deleted it since it was loaded."""
        if type(record) is not self.cls:
            raise TypeError(f"{TABLES[self.cls]} holds {self.cls.__name__}, not "
                            f"{type(record).__name__}")
        (saved,) = self._storage.save([record])
        return as_type(self.cls, saved)

    def save_many(self, records: Iterable[T]) -> list[T]:
        """All or nothing, as one change."""
        return [as_type(self.cls, r) for r in self._storage.save(list(records))]

    def delete(self, record: T | str) -> None:
        """Delete a loaded record (Conflict if it changed since) or, given an id, whatever
        version is stored."""
        if isinstance(record, str):
            record = self.get(record)
        self._storage.save(deletes=[record])

