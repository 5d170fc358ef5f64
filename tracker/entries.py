"""Rules on what a person records about a client: a document kept as sent, a call summary
marked sent. Pure: the day, the person and new ids are handed in (``NewId``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from tracker.errors import ValidationError
from tracker.models import ChangeRequest, Client, Interaction, InteractionKind

#: A new id for a record of the named type ("Snooze", "Assignment"...).
NewId = Callable[[str], str]


def kept_document(cr: ChangeRequest, kind: str, text: str, today: date) -> ChangeRequest:
    """The change order or stay-focused reply that was sent, kept on its request. The same
    text marked sent again the same day gives the request back unchanged (nothing to save)."""
    if not text.strip():
        raise ValidationError("document", "is empty")
    if (cr.document_kind, cr.document, cr.document_on) == (kind, text, today):
        return cr
    return replace(cr, document_kind=kind, document=text, document_on=today)


def summary_logged(interactions: Iterable[Interaction], client: Client, text: str,
                   today: date) -> Interaction | None:
    """The same call summary, already logged as sent today (then it is not logged twice)."""
    return next((i for i in interactions
                 if i.client_id == client.id and i.kind is InteractionKind.CALL_SUMMARY_SENT
                 and i.on == today and i.notes == text), None)
