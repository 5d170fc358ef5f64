"""The records of scopekeeper: frozen dataclasses shared by every layer.

Money is integer cents, dates are ``datetime.date``; every record has its own
stable string ``id`` and refers to others by ``<entity>_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.kinds import (
    CallFrequency as CallFrequency,
    ChangeStatus as ChangeStatus,
    ClientStatus as ClientStatus,
    FeeKind as FeeKind,
    InteractionKind as InteractionKind,
    Outcome as Outcome,
    Role as Role,
    ScopeOrigin as ScopeOrigin,
    ScopeStatus as ScopeStatus,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    id: str
    name: str
    title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CadenceSettings:
    """How often the agency is in touch with one client (agreed at kickoff)."""

    status_call: CallFrequency = CallFrequency.WEEKLY
    monthly_report: bool = True
    min_contact_days: int = 30
    visit_min_days: int = 42
    visit_max_days: int = 56


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    id: str
    name: str
    status: ClientStatus = ClientStatus.ACTIVE
    remote: bool = False
    location: str = ""
    fee_cents: int = 0
    currency: str = "USD"
    start_date: date
    primary_contact: Contact | None = None
    contacts: tuple[Contact, ...] = ()
    channel_url: str = ""
    comm_rules: str = ""
    cadence: CadenceSettings = field(default_factory=CadenceSettings)
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamMember:
    id: str
    name: str
    role: Role
    max_clients: int | None = None
    login: str = ""
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save

    @property
    def capacity(self) -> int | None:
        """Clients this person may carry; analysts default to 3, others unlimited."""
        if self.max_clients is not None:
            return self.max_clients
        return 3 if self.role is Role.ANALYST else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    id: str
    client_id: str
    member_id: str
    since: date
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeItem:
    id: str
    client_id: str
    title: str
    deliverable: str = ""
    due: date | None = None
    success_metric: str = ""
    status: ScopeStatus = ScopeStatus.PLANNED
    origin: ScopeOrigin = ScopeOrigin.KICKOFF
    fee_cents: int = 0
    fee_kind: FeeKind = FeeKind.MONTHLY  # a one-off fee does not change the monthly fee
    change_request_id: str = ""
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRequest:
    id: str
    client_id: str
    requested_on: date
    requested_by: str
    description: str
    estimated_hours: float = 0.0
    fee_cents: int = 0
    fee_kind: FeeKind = FeeKind.MONTHLY
    status: ChangeStatus = ChangeStatus.PENDING
    decided_on: date | None = None
    decided_by: str = ""
    reason: str = ""
    scope_item_ids: tuple[str, ...] = ()
    # the reply put in writing (a change order or a stay-focused reply) and when
    document_kind: str = ""
    document: str = ""
    document_on: date | None = None
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class Interaction:
    id: str
    client_id: str
    kind: InteractionKind
    on: date
    author: str = ""
    notes: str = ""
    # who took part (calls and meetings): our people and the client's, by name
    attendees_ours: tuple[str, ...] = ()
    attendees_theirs: tuple[str, ...] = ()
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class NpsResponse:
    id: str
    client_id: str
    on: date
    score: int
    comment: str = ""
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetChange:
    id: str
    client_id: str
    on: date
    old_cents: int
    new_cents: int
    reason: str = ""
    savings_we_created: bool = False
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessGrant:
    id: str
    client_id: str
    on: date
    who: str
    account: str = ""
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactChange:
    id: str
    client_id: str
    on: date
    old_name: str
    new_name: str
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class SignState:
    """What people did about one occurrence of a warning sign (keyed by ``sign_key``)."""

    id: str
    client_id: str
    sign_key: str
    acknowledged_on: date | None = None
    acknowledged_by: str = ""
    note: str = ""
    resolved_on: date | None = None
    resolved_by: str = ""
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class Snooze:
    """A review item hidden until ``until`` (exclusive: it shows again on that day)."""

    id: str
    item_key: str
    until: date
    by: str = ""
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """Work done for a client that goes in the monthly report: a test or an activity,
    its result, and whether it was a win or a learning."""

    id: str
    client_id: str
    on: date
    title: str
    test: bool = False
    result: str = ""
    outcome: Outcome = Outcome.OPEN
    rev: int = 0  # storage revision: 0 = never saved; bumped by every save


@dataclass(frozen=True, slots=True, kw_only=True)
class Agency:
    """Everything the rules look at, as loaded at one moment."""

    clients: tuple[Client, ...] = ()
    members: tuple[TeamMember, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    scope_items: tuple[ScopeItem, ...] = ()
    change_requests: tuple[ChangeRequest, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    nps: tuple[NpsResponse, ...] = ()
    budget_changes: tuple[BudgetChange, ...] = ()
    access_grants: tuple[AccessGrant, ...] = ()
    contact_changes: tuple[ContactChange, ...] = ()
    sign_states: tuple[SignState, ...] = ()
    snoozes: tuple[Snooze, ...] = ()
    activities: tuple[Activity, ...] = ()
