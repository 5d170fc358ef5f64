"""The fixed vocabularies of the records (statuses, roles, kinds): plain string enums.

Apart from the records themselves so that the command line and the Review screen can name
kinds without building every record type.
"""

from __future__ import annotations

from enum import StrEnum


class ClientStatus(StrEnum):
    PROSPECT = "prospect"
    ACTIVE = "active"
    PAUSED = "paused"
    CHURNED = "churned"


class Role(StrEnum):
    PM = "pm"
    ANALYST = "analyst"
    OWNER = "owner"


class CallFrequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"
    NONE = "none"


class ScopeStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    DROPPED = "dropped"


class ScopeOrigin(StrEnum):
    KICKOFF = "kickoff"
    CHANGE_REQUEST = "change_request"


class ChangeStatus(StrEnum):
    PENDING = "pending"
    EXPAND = "expand"
    FOCUS = "focus"
    FAVOUR = "favour"


class FeeKind(StrEnum):
    """How a fee is charged: every month (ongoing work) or once (a project, e.g. a page)."""

    MONTHLY = "monthly"
    ONE_OFF = "one_off"

    @property
    def label(self) -> str:
        return "a month" if self is FeeKind.MONTHLY else "one-off"


class InteractionKind(StrEnum):
    STATUS_CALL = "status_call"
    UNSCHEDULED_CALL = "unscheduled_call"
    EMAIL = "email"
    MEETING = "meeting"
    IN_PERSON_VISIT = "in_person_visit"
    AGENCY_EVENT = "agency_event"
    MONTHLY_REPORT_SENT = "monthly_report_sent"
    CALL_SUMMARY_SENT = "call_summary_sent"
    QUESTION = "question"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


class Outcome(StrEnum):
    """What an activity or test run for a client came to."""

    OPEN = "open"  # still running, or not judged yet
    WIN = "win"
    LEARNING = "learning"


#: The interactions people attend: a call summary lists who was there.
CALL_KINDS = frozenset({InteractionKind.STATUS_CALL, InteractionKind.UNSCHEDULED_CALL,
                        InteractionKind.MEETING, InteractionKind.IN_PERSON_VISIT})

_KIND_LABELS = {
    InteractionKind.STATUS_CALL: "status call",
    InteractionKind.UNSCHEDULED_CALL: "unscheduled call",
    InteractionKind.EMAIL: "email",
    InteractionKind.MEETING: "meeting",
    InteractionKind.IN_PERSON_VISIT: "in-person visit",
    InteractionKind.AGENCY_EVENT: "agency event attended",
    InteractionKind.MONTHLY_REPORT_SENT: "monthly report sent",
    InteractionKind.CALL_SUMMARY_SENT: "call summary sent",
    InteractionKind.QUESTION: "question from client",
}
