"""Which table of the data file holds which record type."""

from __future__ import annotations

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

#: record type -> table name (also the matching field of tracker.models.Agency)
TABLES: dict[type, str] = {
    Client: "clients",
    TeamMember: "members",
    Assignment: "assignments",
    ScopeItem: "scope_items",
    ChangeRequest: "change_requests",
    Interaction: "interactions",
    NpsResponse: "nps",
    BudgetChange: "budget_changes",
    AccessGrant: "access_grants",
    ContactChange: "contact_changes",
    SignState: "sign_states",
    Snooze: "snoozes",
    Activity: "activities",
}

TABLE_OF: dict[str, type] = {name: cls for cls, name in TABLES.items()}
