"""The documents the agency sends, as view-models for their templates.

Each document has a name (its template's), a title, what it needs besides the client (a
change request, a call, a month) and a builder that turns the agency's records into plain
data already worded for people. Templates live in ``templates/`` and are rendered by
``storage.templates``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.documents.common import DocumentError, Model, Sender
from tracker.documents.letters import call_summary, change_order, kickoff, stay_focused
from tracker.documents.reports import (
    monthly_report,
    new_contact_briefing,
    parse_month,
    report_month,
    save_mode_prep,
)
from tracker.models import Agency, Client

__all__ = ["DOCUMENTS", "Document", "DocumentError", "Model", "Sender", "build", "parse_month",
           "report_month"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    name: str  # also the template's file name, without ``.md.j2``
    title: str
    needs: str = ""  # "request", "call" or "month": what else it is about
    records_on: str = ""  # "request" or "call": where the text that was sent is kept


DOCUMENTS: dict[str, Document] = {d.name: d for d in (
    Document(name="kickoff", title="Kickoff agreement / scope of work"),
    Document(name="call_summary", title="Call summary email", needs="call", records_on="call"),
    Document(name="change_order", title="Change order (expand scope)", needs="request",
             records_on="request"),
    Document(name="stay_focused", title="Stay-focused reply", needs="request",
             records_on="request"),
    Document(name="monthly_report", title="Monthly report", needs="month"),
    Document(name="new_contact_briefing", title="New-contact briefing"),
    Document(name="save_mode_prep", title="Save-mode conversation prep"),
)}

_BUILDERS: dict[str, Callable[..., Model]] = {
    "kickoff": kickoff, "call_summary": call_summary, "change_order": change_order,
    "stay_focused": stay_focused, "monthly_report": monthly_report,
    "new_contact_briefing": new_contact_briefing, "save_mode_prep": save_mode_prep,
}


def build(name: str, agency: Agency, client: Client, today: date, sender: Sender, *,
          request_id: str | None = None, call_id: str | None = None,
          month: date | None = None) -> Model:
    """The view-model of document ``name`` for ``client`` as of ``today``."""
    doc = DOCUMENTS.get(name)
    if doc is None:
        raise DocumentError(f"no document {name!r}; choose from {', '.join(DOCUMENTS)}")
    extra: dict[str, Any] = {}
    if doc.needs == "request":
        extra["request_id"] = request_id
    elif doc.needs == "call":
        extra["call_id"] = call_id
    elif doc.needs == "month":
        extra["month"] = month
    return _BUILDERS[name](agency, client, today, sender, **extra)
