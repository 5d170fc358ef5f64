"""What every document shows about a client, already worded for people.

View-models are plain dicts, lists, strings, numbers and booleans — no record, no function —
so a template can read them and nothing else (and cannot change anything it is given).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.labels import fee_line as fee_line
from tracker.models import (
    Agency,
    CallFrequency,
    ChangeRequest,
    Client,
    Contact,
    Role,
    ScopeItem,
    ScopeStatus,
    TeamMember,
)
from tracker.money import format_money

Model = dict[str, Any]


class DocumentError(ValueError):
    """The document cannot be made as asked (unknown template, request, month...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Sender:
    """Who signs the document: the person running scopekeeper, and the agency."""

    name: str
    role: str = ""
    agency: str = ""


def day(d: date | None) -> str:
    """``4 December 2026`` (empty for no date)."""
    return f"{d.day} {d:%B %Y}" if d else ""


def short_day(d: date | None) -> str:
    """``Fri 4 Dec``, for lists within the year."""
    return f"{d:%a} {d.day} {d:%b}" if d else ""


def money(cents: int, currency: str) -> str:
    return format_money(cents, currency)




def lines(text: str) -> list[str]:
    """A free-text field as its non-empty lines."""
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


CALL_WORDS = {
    CallFrequency.WEEKLY: "a weekly status call",
    CallFrequency.BIWEEKLY: "a status call every two weeks",
    CallFrequency.MONTHLY: "a monthly status call",
    CallFrequency.NONE: "",
}
ROLE_WORDS = {Role.PM: "project manager", Role.ANALYST: "analyst", Role.OWNER: "owner"}


def contact(c: Contact | None) -> Model | None:
    if c is None:
        return None
    first = c.name.split()[0] if c.name.split() else c.name
    return {"name": c.name, "first_name": first, "title": c.title, "email": c.email,
            "phone": c.phone}


def team(agency: Agency, client_id: str) -> list[Model]:
    members = {m.id: m for m in agency.members}
    covering = [members[a.member_id] for a in agency.assignments
                if a.client_id == client_id and a.member_id in members]
    return [person(m) for m in covering]


def person(m: TeamMember) -> Model:
    return {"name": m.name, "role": ROLE_WORDS.get(m.role, str(m.role))}


def client_block(agency: Agency, c: Client) -> Model:
    return {
        "name": c.name,
        "since": day(c.start_date),
        "location": c.location,
        "remote": c.remote,
        "fee": money(c.fee_cents, c.currency),
        "fee_line": f"{money(c.fee_cents, c.currency)} a month",
        "main_contact": contact(c.primary_contact),
        "contacts": [contact(x) for x in c.contacts],
        "team": team(agency, c.id),
    }


#: A house rule that states how often calls or reports happen: the cadence's job, so it is
#: left out of documents (it would contradict the real cadence once that changes).
_RESTATES_CADENCE = re.compile(
    r"\b(weekly|bi-?weekly|fortnightly|monthly|every (two|2|other) weeks?|each (week|month))"
    r"\b.*\b(call|calls|report|reports|meeting|meetings|check-?ins?)\b"
    r"|\b(call|calls|report|reports|meeting|meetings)\b.*\b(weekly|bi-?weekly|fortnightly"
    r"|monthly|every (two|2|other) weeks?|each (week|month))\b", re.IGNORECASE)


def house_rules(text: str) -> list[str]:
    """The client's house rules, one per line or ``;``, without those restating the
    cadence."""
    rules = [r.strip().rstrip(".") for ln in text.splitlines() for r in ln.split(";")]
    return [r[0].upper() + r[1:] + "." for r in rules
            if r and not _RESTATES_CADENCE.search(r)]


def communication(c: Client) -> Model:
    s = c.cadence
    visits = ""
    if c.remote:
        weeks = (round(s.visit_min_days / 7), round(s.visit_max_days / 7))
        visits = (f"an in-person visit every {weeks[0]}–{weeks[1]} weeks" if weeks[0] != weeks[1]
                  else f"an in-person visit every {weeks[0]} weeks")
    return {
        "status_call": CALL_WORDS[s.status_call],
        "monthly_report": s.monthly_report,
        "min_contact_days": s.min_contact_days,
        "visits": visits,
        "channel": c.channel_url,
        "house_rules": house_rules(c.comm_rules),
    }


def scope_item(item: ScopeItem, currency: str) -> Model:
    return {
        "title": item.title,
        "deliverable": item.deliverable,
        "due": day(item.due),
        "success_metric": item.success_metric,
        "status": str(item.status),
        "from_change_request": bool(item.change_request_id),
        "fee": money(item.fee_cents, currency) if item.fee_cents else "",
        "fee_kind": item.fee_kind.value,
        "fee_line": fee_line(item.fee_cents, item.fee_kind, currency),
    }


def agreed_scope(agency: Agency, c: Client) -> list[ScopeItem]:
    """The scope in force: every item not dropped, kickoff items first, then by due date."""
    items = [s for s in agency.scope_items
             if s.client_id == c.id and s.status is not ScopeStatus.DROPPED]
    return sorted(items, key=lambda s: (bool(s.change_request_id), s.due or date.max, s.title))


def request(cr: ChangeRequest, currency: str) -> Model:
    return {
        "id": cr.id,
        "description": cr.description,
        "requested_on": day(cr.requested_on),
        "requested_by": cr.requested_by,
        "hours": f"{cr.estimated_hours:g}" if cr.estimated_hours else "",
        "fee": money(cr.fee_cents, currency) if cr.fee_cents else "",
        "fee_kind": cr.fee_kind.value,
        "fee_line": fee_line(cr.fee_cents, cr.fee_kind, currency),
        "status": str(cr.status),
        "decided_on": day(cr.decided_on),
        "reason": cr.reason,
    }


def frame(agency: Agency, c: Client, today: date, sender: Sender) -> Model:
    """What every document has: the client, today, who signs it."""
    return {
        "today": day(today),
        "client": client_block(agency, c),
        "communication": communication(c),
        "sender": {"name": sender.name, "role": sender.role},
        "agency": {"name": sender.agency},
    }
