"""The demo agency being built: its records so far, its seeded randomness and its day."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from tracker.kinds import CALL_KINDS
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
    InteractionKind,
    NpsResponse,
    ScopeItem,
    SignState,
    TeamMember,
)


@dataclass
class Builder:
    rng: random.Random
    today: date
    clients: list[Client] = field(default_factory=list)
    members: list[TeamMember] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    scope: list[ScopeItem] = field(default_factory=list)
    requests: list[ChangeRequest] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    nps: list[NpsResponse] = field(default_factory=list)
    budgets: list[BudgetChange] = field(default_factory=list)
    access: list[AccessGrant] = field(default_factory=list)
    contact_changes: list[ContactChange] = field(default_factory=list)
    states: list[SignState] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    def id(self, prefix: str) -> str:
        return f"{prefix}_{self.rng.getrandbits(40):010x}"

    def update(self, client: Client) -> None:
        self.clients = [client if c.id == client.id else c for c in self.clients]

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def log(self, client: Client, kind: InteractionKind, on: date, notes: str = "") -> None:
        if on <= self.today:
            author = self.rng.choice(self.members).login if self.members else ""
            self.interactions.append(Interaction(id=self.id("int"), client_id=client.id,
                                                 kind=kind, on=on, author=author, notes=notes))

    def attended(self) -> list[Interaction]:
        """Recent calls with who attended (the people covering the client, its contact)."""
        names = {m.id: m.name for m in self.members}
        ours: dict[str, list[str]] = {}
        for a in self.assignments:
            ours.setdefault(a.client_id, []).append(names.get(a.member_id, ""))
        theirs = {c.id: (c.primary_contact.name,) if c.primary_contact else ()
                  for c in self.clients}
        since = self.ago(90)
        return [replace(i, attendees_ours=tuple(n for n in ours.get(i.client_id, ()) if n),
                        attendees_theirs=theirs.get(i.client_id, ()))
                if i.kind in CALL_KINDS and i.on >= since else i for i in self.interactions]

    def agency(self) -> Agency:
        return Agency(
            clients=tuple(self.clients), members=tuple(self.members),
            assignments=tuple(self.assignments), scope_items=tuple(self.scope),
            change_requests=tuple(self.requests), interactions=tuple(self.attended()),
            nps=tuple(self.nps), budget_changes=tuple(self.budgets),
            access_grants=tuple(self.access), contact_changes=tuple(self.contact_changes),
            sign_states=tuple(self.states), activities=tuple(self.activities),
        )
