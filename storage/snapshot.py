"""What the screens draw from: the agency as read at one moment, or only its kept review.

Light on purpose (no record type is imported until a full snapshot exists), so that the app
can show the kept review before the domain and the storage engine are even imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.review_items import ReviewItem, ReviewKind

if TYPE_CHECKING:
    from tracker.models import Agency
    from tracker.review import ClientAssessment
    from tracker.settings import Thresholds


@dataclass(frozen=True, slots=True, kw_only=True)
class Cover:
    """A team member and the clients they cover (what ``review --for`` filters by)."""

    name: str
    login: str
    clients: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """The agency as read at one moment, with everything the rules derive from it.

    Without ``loaded`` records it is *partial*: only the review kept from an earlier
    reading, enough to show the queue while the records load. A partial snapshot is
    *stale* when someone saved after that review was computed (it is shown marked as
    such, for the moment it takes to read the records)."""

    today: date
    review: tuple[ReviewItem, ...]
    loaded: Agency | None = None
    assessments: tuple[ClientAssessment, ...] = ()
    clients: int = -1
    stale: bool = False
    #: A *summary* (a backend that keeps every client's assessment: PostgreSQL): ``loaded``
    #: holds the roster only (clients, members, assignments) and each assessment's history
    #: only its client and assignments. One client's records, for its screen or a form, are
    #: read through :meth:`storage.workspace.Workspace.focus`.
    summary: bool = False
    team: tuple[Cover, ...] = ()
    #: The storage's token just before it was read (:meth:`storage.contract.Storage.token`):
    #: what it is kept against, so that a review read before someone saved is never kept
    #: as current. Not part of what the snapshot says.
    read_at: object = field(default=None, compare=False)

    @property
    def partial(self) -> bool:
        return self.loaded is None

    @staticmethod
    def awaiting(day: date) -> Snapshot:
        """Nothing read yet: what a session shows while a database works out the first
        review of ``day`` (seconds on a large agency), rather than no screen at all."""
        return Snapshot(today=day, review=(), stale=True)

    @property
    def awaited(self) -> bool:
        """Whether this is :meth:`awaiting`'s: no review and not even how many clients."""
        return self.loaded is None and self.clients < 0

    @property
    def agency(self) -> Agency:
        if self.loaded is None:
            from tracker.models import Agency

            return Agency()
        return self.loaded

    @property
    def has_clients(self) -> bool:
        return bool(self.agency.clients) if self.clients < 0 else self.clients > 0

    @staticmethod
    def assessed(agency: Agency, day: date, thresholds: Thresholds) -> Snapshot:
        """Every record of ``agency`` with what the rules derive from it as of ``day``."""
        from tracker.review import assess, build_review  # the domain, once records exist

        found = assess(agency, day, thresholds)
        return Snapshot(today=day, loaded=agency, assessments=found,
                        review=build_review(agency, day, thresholds, found),
                        team=Snapshot.team_of(agency))

    @staticmethod
    def team_of(agency: Agency) -> tuple[Cover, ...]:
        covers: dict[str, list[str]] = {}
        for a in agency.assignments:
            covers.setdefault(a.member_id, []).append(a.client_id)
        return tuple(Cover(name=m.name, login=m.login, clients=tuple(covers.get(m.id, ())))
                     for m in agency.members)

    def person_named(self, login: str) -> str:
        """The team member whose login this is, by name (else the login itself)."""
        return next((t.name for t in self.team if t.login and t.login == login), login)

    def currency_of(self, record: object) -> str:
        """The currency of a record's amounts: its client's."""
        owner = getattr(record, "client_id", None) or getattr(record, "id", "")
        client = next((c for c in self.agency.clients if c.id == owner), None)
        return client.currency if client else "USD"

    def assessment(self, client_id: str) -> ClientAssessment | None:
        return next((a for a in self.assessments if a.client.id == client_id), None)


def item_doc(i: ReviewItem) -> dict[str, object]:
    """A review item as JSON keeps it (the kept review of a data file, of a database)."""
    return {"key": i.key, "client_id": i.client_id, "client": i.client, "kind": i.kind.value,
            "urgency": i.urgency, "why": i.why,
            "due": i.due.isoformat() if i.due else None, "subject": i.subject}


def item_of(doc: dict[str, Any]) -> ReviewItem:
    """A review item kept by :func:`item_doc`."""
    return ReviewItem(key=doc["key"], client_id=doc["client_id"], client=doc["client"],
                      kind=ReviewKind(doc["kind"]), urgency=int(doc["urgency"]), why=doc["why"],
                      due=date.fromisoformat(doc["due"]) if doc["due"] else None,
                      subject=doc["subject"])
