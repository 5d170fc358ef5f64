"""Rules every record must satisfy before it is saved; errors name the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from tracker.dates import in_range, out_of_range
from tracker.errors import ValidationError as ValidationError
from tracker.models import (
    AccessGrant,
    Activity,
    Assignment,
    BudgetChange,
    CadenceSettings,
    ChangeRequest,
    ChangeStatus,
    Client,
    Contact,
    ContactChange,
    Interaction,
    NpsResponse,
    ScopeItem,
    SignState,
    Snooze,
    TeamMember,
)
from tracker.money import ISO_CODES, MAX_CENTS, currency

MAX_TEXT = 20_000  # notes, documents
MAX_LINE = 200  # names, titles, who: what fits a line of a screen or a document
MAX_DESCRIPTION = 2_000  # what a client asked for
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")
#: The one-line fields of each record (the name or title a screen shows in one line).
LINES = {"name", "title", "location", "who", "account", "old_name", "new_name",
         "requested_by", "login", "deliverable", "success_metric", "currency", "email",
         "phone", "author", "decided_by", "acknowledged_by", "resolved_by", "by", "channel_url"}
#: The longest cadence interval: beyond it date arithmetic would leave the range of dates.
MAX_CADENCE_DAYS = 3650


def _need(value: str, field: str) -> None:
    if not value.strip():
        raise ValidationError(field, "is required")


def _nonneg(value: float, field: str) -> None:
    if value < 0:
        raise ValidationError(field, f"must not be negative (got {value})")


def _amount(cents: int, field: str) -> None:
    """Money within bounds (a 20-digit budget once could not be stored at all)."""
    _nonneg(cents, field)
    if cents > MAX_CENTS:
        raise ValidationError(field, f"must be at most {MAX_CENTS // 100:,}")


def _text_sizes(record: object, prefix: str = "") -> None:
    """Text not too long, and every date in the one range of dates (the last gate for a
    date that did not come through a parser)."""
    for name in getattr(record, "__slots__", ()):
        value = getattr(record, name)
        limit = MAX_LINE if name in LINES else (
            MAX_DESCRIPTION if name == "description" else MAX_TEXT)
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(prefix + name, f"is {len(value):,} characters long; at most "
                                  f"{limit:,} fit")
        if isinstance(value, date) and not in_range(value):
            raise ValidationError(prefix + name, out_of_range(value.isoformat()))
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, str) and len(item) > MAX_LINE:
                    raise ValidationError(prefix + name, f"a name is at most {MAX_LINE} "
                                          "characters")
                if hasattr(item, "__slots__"):
                    _text_sizes(item, f"{prefix}{name}.")
        elif hasattr(value, "__slots__") and not isinstance(value, str | date):
            _text_sizes(value, f"{prefix}{name}.")


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def _contact(c: Contact, field: str = "name") -> None:
    _need(c.name, field)
    if c.email and not _EMAIL.match(c.email):
        where = field.rsplit(".", 1)[0] + ".email" if "." in field else "email"
        raise ValidationError(where, f"{c.email!r} is not an email address (like "
                              "ana@client.com)")


def _cadence(s: CadenceSettings) -> None:
    if not 1 <= s.min_contact_days <= MAX_CADENCE_DAYS:
        raise ValidationError("cadence.min_contact_days",
                              f"must be from 1 to {MAX_CADENCE_DAYS} days")
    if not 1 <= s.visit_min_days <= s.visit_max_days:
        raise ValidationError("cadence.visit_max_days",
                              "the visit window must run from at least 1 day to a later day")
    if s.visit_max_days > MAX_CADENCE_DAYS:
        raise ValidationError("cadence.visit_max_days", f"must be at most {MAX_CADENCE_DAYS} days")


def _client(c: Client) -> None:
    _need(c.name, "name")
    _amount(c.fee_cents, "fee_cents")
    if c.currency not in ISO_CODES:
        raise ValidationError("currency", f"{c.currency!r} is not a currency (an ISO 4217 code "
                              "like USD, EUR, THB)")
    if currency(c.currency).decimals == 0 and c.fee_cents % 100:
        # a fee in a currency without cents, e.g. after a USD client became a JPY one
        raise ValidationError("fee_cents", f"{c.currency} has no cents: give a whole amount")
    if c.primary_contact is not None:
        _contact(c.primary_contact, "primary_contact.name")
    for other in c.contacts:
        _contact(other, "contacts.name")
    _cadence(c.cadence)


#: A Unix login (what ``review --for`` and the documents' sign-off match people by).
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


def _member(m: TeamMember) -> None:
    _need(m.name, "name")
    if m.login and not _LOGIN.match(m.login):
        raise ValidationError("login", f"{m.login!r} is not a Unix login (like priya or "
                              "j.smith: lower case, no spaces)")
    if m.max_clients is not None and m.max_clients < 0:
        raise ValidationError("max_clients", "must not be negative")


def _scope(s: ScopeItem) -> None:
    _need(s.title, "title")
    _amount(s.fee_cents, "fee_cents")


def _change(cr: ChangeRequest) -> None:
    _need(cr.description, "description")
    _nonneg(cr.estimated_hours, "estimated_hours")
    _amount(cr.fee_cents, "fee_cents")
    if cr.status is ChangeStatus.PENDING and cr.decided_on is not None:
        raise ValidationError("decided_on", "a pending request has no decision date")
    if cr.status is not ChangeStatus.PENDING and cr.decided_on is None:
        raise ValidationError("decided_on", "a decided request needs its decision date")
    if cr.decided_on is not None and cr.decided_on < cr.requested_on:
        raise ValidationError("decided_on", "cannot be before the request")


def _nps(r: NpsResponse) -> None:
    if not 0 <= r.score <= 10:
        raise ValidationError("score", f"is a score from 0 to 10 (got {r.score})")


def _budget(b: BudgetChange) -> None:
    _amount(b.old_cents, "old_cents")
    _amount(b.new_cents, "new_cents")


def _access(g: AccessGrant) -> None:
    _need(g.who, "who")


def _contact_change(c: ContactChange) -> None:
    _need(c.new_name, "new_name")


def _activity(a: Activity) -> None:
    _need(a.title, "title")


def _none(_: Any) -> None:
    return None


def _sign_state(s: SignState) -> None:
    _need(s.sign_key, "sign_key")


VALIDATORS: dict[type, Callable[[Any], None]] = {
    Client: _client,
    TeamMember: _member,
    Assignment: _none,
    ScopeItem: _scope,
    ChangeRequest: _change,
    Interaction: _none,
    NpsResponse: _nps,
    BudgetChange: _budget,
    AccessGrant: _access,
    ContactChange: _contact_change,
    SignState: _sign_state,
    Snooze: _none,
    Activity: _activity,
}


def validate(record: object) -> None:
    """Raise :class:`ValidationError` naming the first bad field of ``record`` (its label,
    as people read it: "Main contact: is required", not ``primary_contact.name``)."""
    try:
        if not getattr(record, "id", "").strip():
            raise ValidationError("id", "is required")
        _text_sizes(record)
        VALIDATORS[type(record)](record)
    except ValidationError as e:
        from tracker.labels import label  # only for a refusal: every save validates

        raise ValidationError(e.field, e.message, label(record, e.field)) from None
