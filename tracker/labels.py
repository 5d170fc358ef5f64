"""Fields and values as a person reads them: "Monthly fee: $3,400", not ``fee_cents 340000``.

One place for the words, used wherever a record's fields are shown to people (the
conflict dialog, the audit trail).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from tracker.kinds import FeeKind
from tracker.money import format_money

#: Field name -> label; a type's own entry (``"Client.fee_cents"``) wins over the plain one.
LABELS = {
    "name": "Name", "status": "Status", "remote": "Remote client", "location": "Location",
    "Client.fee_cents": "Monthly fee", "currency": "Currency", "start_date": "Start date",
    "primary_contact": "Main contact", "contacts": "Other contacts",
    "channel_url": "Client channel", "comm_rules": "Communication rules",
    "cadence": "Cadence", "cadence.status_call": "Status calls",
    "cadence.monthly_report": "Monthly report", "cadence.min_contact_days":
    "Contact at least every (days)", "cadence.visit_min_days": "Visit due after (days)",
    "cadence.visit_max_days": "Visit overdue after (days)",
    "role": "Role", "max_clients": "Most clients", "login": "Login",
    "title": "Title", "deliverable": "Deliverable", "due": "Due",
    "success_metric": "Success metric", "origin": "From",
    "ScopeItem.fee_cents": "Fee", "ChangeRequest.fee_cents": "Fee",
    "requested_on": "Requested on", "requested_by": "Requested by",
    "description": "Request", "estimated_hours": "Estimated hours",
    "decided_on": "Decided on", "decided_by": "Decided by", "reason": "Reason given",
    "document": "Document sent", "document_kind": "Document", "document_on": "Sent on",
    "kind": "Kind", "on": "Date", "author": "Logged by", "notes": "Notes",
    "score": "NPS", "comment": "Comment", "old_cents": "Budget before",
    "new_cents": "Budget after", "savings_we_created": "Savings we created",
    "who": "Who got access", "account": "Account", "email": "email", "phone": "phone", "old_name": "Contact before",
    "new_name": "New contact", "acknowledged_on": "Acknowledged on",
    "acknowledged_by": "Acknowledged by", "note": "Note", "resolved_on": "Resolved on",
    "resolved_by": "Resolved by", "until": "Snoozed until", "by": "By",
    "test": "A test", "result": "Result", "outcome": "Outcome", "since": "Since",
}


def count(n: int, one: str, many: str = "") -> str:
    """``1 person``, ``2 people``, ``0 clients``: the number with the word that fits it."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def fee_line(cents: int, kind: FeeKind, currency: str) -> str:
    """``$1,200 a month`` or ``a one-off fee of $1,200`` (empty for no fee)."""
    if not cents:
        return ""
    if kind is FeeKind.ONE_OFF:
        return f"a one-off fee of {format_money(cents, currency)}"
    return f"{format_money(cents, currency)} a month"


def label(record: Any, path: str) -> str:
    """The label of a field (``path`` dotted for a nested record's field)."""
    own = f"{type(record).__name__}.{path}"
    if own in LABELS:
        return LABELS[own]
    if path in LABELS:
        return LABELS[path]
    head, _, rest = path.partition(".")
    if rest and head in LABELS:  # "primary_contact.name" -> "Main contact", "… email"
        owner = LABELS[head].removesuffix("s")  # "Other contacts" -> "Other contact's"
        return LABELS[head] if rest == "name" else f"{owner}'s {label(None, rest).lower()}"
    return path.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def show(value: Any, path: str = "", currency: str = "USD") -> str:
    """A field's value in words; money in ``currency`` (a record's amounts are its
    client's)."""
    if value is None or value == "" or value == ():
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and path.endswith("_cents"):
        return format_money(value, currency)
    if isinstance(value, date):
        return f"{value:%a %-d %b %Y}"
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value)).replace("_", " ")
    if isinstance(value, tuple):
        return ", ".join(show(v, path, currency) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "name"):  # a contact
            extra = [str(getattr(value, f)) for f in ("title", "email", "phone")
                     if getattr(value, f, "")]
            return str(value.name) + (f" ({', '.join(extra)})" if extra else "")
        return "; ".join(f"{label(value, f.name)}: {show(getattr(value, f.name), f.name)}"
                         for f in dataclasses.fields(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
