"""What people do about what the review shows: acknowledge or resolve a warning sign,
snooze a review item. Pure: the day, the person and new ids are handed in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from tracker.entries import NewId
from tracker.errors import ValidationError
from tracker.models import SignState, Snooze
from tracker.warning_signs import Sign


def sign_state(sign: Sign, states: Iterable[SignState], new_id: NewId) -> SignState:
    """What is recorded about ``sign`` so far (a fresh, unsaved record if nothing is)."""
    current = sign.state or next((s for s in states if s.sign_key == sign.key), None)
    return current or SignState(id=new_id("SignState"), client_id=sign.client_id,
                                sign_key=sign.key)


def acknowledge(state: SignState, note: str, today: date, by: str) -> SignState:
    """Seen and acted on: saying what was done is required."""
    if not note.strip():
        raise ValidationError("note", "say what was done about it")
    return replace(state, acknowledged_on=today, acknowledged_by=by, note=note.strip())


def resolve(state: SignState, note: str, today: date, by: str) -> SignState:
    """The sign is dealt with; a note given is added under what was noted before."""
    text = "\n".join(t for t in (state.note, note.strip()) if t)
    return replace(state, resolved_on=today, resolved_by=by, note=text)


def snoozed(snoozes: Iterable[Snooze], item_key: str) -> Snooze | None:
    """The snooze kept for a review item, if any (one per item: snoozing again moves it)."""
    return next((s for s in snoozes if s.item_key == item_key), None)


def snooze(current: Snooze | None, item_key: str, until: date, today: date, by: str,
           new_id: NewId) -> Snooze:
    """Hide a review item until ``until`` (it shows again that day): a day after today."""
    if until <= today:
        raise ValidationError("until", "must be after today")
    if current is not None:
        return replace(current, until=until, by=by)
    return Snooze(id=new_id("Snooze"), item_key=item_key, until=until, by=by)
