"""``make_<entity>()`` factories with sensible defaults; tests override what they test."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from tracker.models import (
    AccessGrant,
    Agency,
    Assignment,
    BudgetChange,
    CadenceSettings,
    CallFrequency,
    ChangeRequest,
    ChangeStatus,
    Client,
    ContactChange,
    Interaction,
    InteractionKind,
    NpsResponse,
    Role,
    TeamMember,
)

TODAY = date(2026, 11, 23)
_ids = itertools.count(1)


def nid(prefix: str) -> str:
    return f"{prefix}_{next(_ids):06d}"


def ago(days: int, today: date = TODAY) -> date:
    return today - timedelta(days=days)


def make_client(**kw: Any) -> Client:
    kw.setdefault("id", nid("cli"))
    kw.setdefault("name", f"Client {kw['id']}")
    kw.setdefault("start_date", ago(400))
    kw.setdefault("fee_cents", 500_000)
    if "freq" in kw:
        kw["cadence"] = CadenceSettings(status_call=kw.pop("freq"))
    return Client(**kw)


def make_interaction(client: Client, kind: InteractionKind | str, on: date, **kw: Any,
                     ) -> Interaction:
    return Interaction(id=kw.pop("id", nid("int")), client_id=client.id,
                       kind=InteractionKind(kind), on=on, **kw)


def make_log(client: Client, kind: InteractionKind | str, *days_ago: int) -> list[Interaction]:
    return [make_interaction(client, kind, ago(d)) for d in days_ago]


def steady(client: Client) -> list[Interaction]:
    """A log under which every cadence of ``client`` is fine today."""
    return (make_log(client, InteractionKind.STATUS_CALL, 2)
            + make_log(client, InteractionKind.MONTHLY_REPORT_SENT, 5)
            + make_log(client, InteractionKind.CALL_SUMMARY_SENT, 2))


def make_member(role: Role = Role.ANALYST, **kw: Any) -> TeamMember:
    kw.setdefault("id", nid("mem"))
    kw.setdefault("name", f"Person {kw['id']}")
    return TeamMember(role=role, **kw)


def make_assignment(client: Client, member: TeamMember, since: date | None = None,
                    ) -> Assignment:
    return Assignment(id=nid("asg"), client_id=client.id, member_id=member.id,
                      since=since or client.start_date)


def make_request(client: Client, days_ago: int = 5, status: ChangeStatus = ChangeStatus.PENDING,
                 decided_days_ago: int | None = None, **kw: Any) -> ChangeRequest:
    decided = None
    if status is not ChangeStatus.PENDING:
        decided = ago(decided_days_ago if decided_days_ago is not None else days_ago)
    kw.setdefault("description", "Add a landing page")
    return ChangeRequest(id=nid("chg"), client_id=client.id, requested_on=ago(days_ago),
                         requested_by="Client", status=status, decided_on=decided,
                         decided_by="pat" if decided else "", **kw)


def make_nps(client: Client, score: int, days_ago: int = 3, comment: str = "") -> NpsResponse:
    return NpsResponse(id=nid("nps"), client_id=client.id, on=ago(days_ago), score=score,
                       comment=comment)


def make_budget(client: Client, old: int, new: int, days_ago: int = 3,
                savings: bool = False) -> BudgetChange:
    return BudgetChange(id=nid("bud"), client_id=client.id, on=ago(days_ago), old_cents=old,
                        new_cents=new, savings_we_created=savings)


def make_access(client: Client, days_ago: int = 3, who: str = "rival@agency.com",
                ) -> AccessGrant:
    return AccessGrant(id=nid("acc"), client_id=client.id, on=ago(days_ago), who=who,
                       account="Google Ads")


def make_contact_change(client: Client, days_ago: int = 3) -> ContactChange:
    return ContactChange(id=nid("cch"), client_id=client.id, on=ago(days_ago),
                         old_name="Ann Old", new_name="Ned New")


def covered(client: Client) -> tuple[list[TeamMember], list[Assignment]]:
    """A PM and an analyst on ``client``: the healthy default."""
    pm, an = make_member(Role.PM), make_member(Role.ANALYST)
    return [pm, an], [make_assignment(client, pm), make_assignment(client, an)]


def agency_of(*clients: Client, team: bool = True, **parts: Any) -> Agency:
    """An agency of ``clients``, each covered by a PM and an analyst unless ``team=False``."""
    members: list[TeamMember] = list(parts.pop("members", []))
    assignments: list[Assignment] = list(parts.pop("assignments", []))
    if team:
        for c in clients:
            m, a = covered(c)
            members += m
            assignments += a
    return Agency(clients=tuple(clients), members=tuple(members),
                  assignments=tuple(assignments),
                  **{k: tuple(v) for k, v in parts.items()})


WEEKLY = CallFrequency.WEEKLY
