"""The record types, listed once: for each, its class, the table of the data file (and the
field of :class:`~tracker.models.Agency`) that holds it, the prefix of the ids made for it
and what people call it. The storage tables, the id prefixes and the counts people read
are derived from this list; a test checks that the Agency, the validators and the
repositories have one entry per type (``tests/storage/test_record_types.py``).

Table names and prefixes are in every data file and id already written: never change them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from tracker.models import (
    AccessGrant,
    Activity,
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


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordType:
    cls: type
    table: str  # the data file's table, and the field of Agency
    prefix: str  # of new ids: "cli" -> cli_3f9a0b1c2d
    singular: str  # as people read it: "1 scope item"
    plural: str  # "3 scope items"


def _t(cls: type, table: str, prefix: str, singular: str, plural: str) -> RecordType:
    return RecordType(cls=cls, table=table, prefix=prefix, singular=singular, plural=plural)


#: In the order of the data file's tables and of Agency's fields.
RECORD_TYPES: tuple[RecordType, ...] = (
    _t(Client, "clients", "cli", "client", "clients"),
    _t(TeamMember, "members", "mem", "team member", "team members"),
    _t(Assignment, "assignments", "asg", "assignment", "assignments"),
    _t(ScopeItem, "scope_items", "scp", "scope item", "scope items"),
    _t(ChangeRequest, "change_requests", "chg", "change request", "change requests"),
    _t(Interaction, "interactions", "int", "interaction", "interactions"),
    _t(NpsResponse, "nps", "nps", "NPS response", "NPS responses"),
    _t(BudgetChange, "budget_changes", "bud", "budget change", "budget changes"),
    _t(AccessGrant, "access_grants", "acc", "access grant", "access grants"),
    _t(ContactChange, "contact_changes", "cch", "contact change", "contact changes"),
    _t(SignState, "sign_states", "sgn", "warning-sign note", "warning-sign notes"),
    _t(Snooze, "snoozes", "snz", "snooze", "snoozes"),
    _t(Activity, "activities", "act", "activity", "activities"),
)

BY_CLASS: dict[type, RecordType] = {t.cls: t for t in RECORD_TYPES}

#: Any one stored record: what a save takes and gives back (a test checks it names every
#: type in RECORD_TYPES).
Record = (Client | TeamMember | Assignment | ScopeItem | ChangeRequest | Interaction
          | NpsResponse | BudgetChange | AccessGrant | ContactChange | SignState | Snooze
          | Activity)

R = TypeVar("R", bound=Record)


def as_type(cls: type[R], record: Record) -> R:
    """``record`` as the type it is known to be: a save gives each record back as its own
    type, with its new revision (a TypeError here is a bug, not bad input)."""
    if not isinstance(record, cls):
        raise TypeError(f"expected {cls.__name__}, got {type(record).__name__}")
    return record
