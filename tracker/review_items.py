"""A review queue's items: what the Review screen and the kept review need, and no more.

Building the queue (:mod:`tracker.review`) needs every rule; showing one does not, so
these live apart and import nothing else of the domain but the sign names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tracker.codes import SIGN_LABELS

CHANGE_REQUEST = "change_request"
CALL_SUMMARY = "call_summary"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewItem:
    """One thing to do today. ``key`` identifies it for snoozing; ``due`` is the day it
    became due (deadline of a cadence, since-date of a sign, date of a request or call)."""

    key: str
    client_id: str
    client: str
    kind: str
    urgency: int
    why: str
    due: date | None
    subject: str = ""  # the record it is about: sign key, change request id, interaction id

    def sort_key(self) -> tuple[int, date, str, str, str, str, str, str, str]:
        # ends with every field, so that no two different items ever tie
        return (-self.urgency, self.due or date.max, self.client.casefold(), self.client_id,
                self.kind, self.key, self.client, self.why, self.subject)


CATEGORIES = ("overdue", "due", "sign", "request", "summary")


def category(kind: str) -> str:
    """The group a review kind belongs to, for counts: overdue, due, sign, request, summary."""
    if kind.endswith("_overdue"):
        return "overdue"
    if kind.endswith("_due"):
        return "due"
    if kind == CHANGE_REQUEST:
        return "request"
    if kind == CALL_SUMMARY:
        return "summary"
    return "sign"


def kind_label(kind: str) -> str:
    """``status_call_overdue`` -> ``status call overdue``; sign codes -> their label."""
    if category(kind) == "sign":
        return SIGN_LABELS.get(kind, kind.replace("_", " "))
    if kind == CALL_SUMMARY:
        return "call summary"
    return kind.replace("_", " ")


def counts_by_category(items: Iterable[ReviewItem]) -> dict[str, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for i in items:
        counts[category(i.kind)] += 1
    return counts
