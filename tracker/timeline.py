"""A client's timeline: every interaction and signal event of one client in one list,
newest first, as the client screen's Timeline tab shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.budget import change_words
from tracker.history import ClientHistory
from tracker.models import (
    AccessGrant,
    Activity,
    BudgetChange,
    ContactChange,
    Interaction,
    NpsResponse,
    Outcome,
)

#: The records the timeline can correct or delete (a change request is corrected on its own
#: tab: its decision has a document and a scope behind it).
Logged = Interaction | NpsResponse | BudgetChange | AccessGrant | ContactChange | Activity


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelineEntry:
    """One line of the timeline; ``id`` is the id of the record it shows."""

    id: str
    on: date
    kind: str  # what happened, as people say it: "NPS response", "status call"
    by: str  # who asked or wrote it ("" where the record does not say)
    detail: str


def timeline(h: ClientHistory) -> tuple[TimelineEntry, ...]:
    """Every interaction and signal event, newest first. The entries of one day are newest
    first too: the one logged last comes first (each log of ``h`` keeps the order in which
    its records were logged; the ids are random and say nothing of it), and of one day the
    interactions come above the other kinds of entry."""
    cur = h.client.currency
    entries = [
        *(TimelineEntry(id=r.id, on=r.on, kind="NPS response", by="",
                        detail=f"{r.score}/10 {r.comment}".strip()) for r in h.nps),
        *(TimelineEntry(id=b.id, on=b.on, kind="budget change", by="",
                        detail=change_words(b, cur).strip()) for b in h.budget_changes),
        *(TimelineEntry(id=g.id, on=g.on, kind="access granted", by="",
                        detail=f"{g.who} {g.account}".strip()) for g in h.access_grants),
        *(TimelineEntry(id=c.id, on=c.on, kind="main contact change", by="",
                        detail=f"{c.old_name} -> {c.new_name}") for c in h.contact_changes),
        *(TimelineEntry(id=cr.id, on=cr.requested_on, kind="change request",
                        by=cr.requested_by, detail=cr.description)
          for cr in h.change_requests),
        *(TimelineEntry(id=x.id, on=x.on, kind="test" if x.test else "activity", by="",
                        detail=f"{x.title}" + (f": {x.result}" if x.result else "")
                        + ("" if x.outcome is Outcome.OPEN else f" ({x.outcome.value})"))
          for x in h.activities),
        # last: of one day, the interactions come above the other kinds of entry
        *(TimelineEntry(id=i.id, on=i.on, kind=i.kind.label, by=i.author, detail=i.notes)
          for i in h.interactions),
    ]
    # by day, then by place in the list above (each log oldest first), both reversed
    order = sorted(range(len(entries)), key=lambda n: (entries[n].on, n), reverse=True)
    return tuple(entries[n] for n in order)


def logged(h: ClientHistory, record_id: str) -> Logged | None:
    """The record a timeline entry shows, when it is one the timeline corrects."""
    pool: tuple[Logged, ...] = (*h.interactions, *h.nps, *h.budget_changes, *h.access_grants,
                                *h.contact_changes, *h.activities)
    return next((e for e in pool if e.id == record_id), None)
