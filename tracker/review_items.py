"""A review queue's items: what the Review screen and the kept review need, and no more.

Building the queue (:mod:`tracker.review`) needs every rule; showing one does not, so
these live apart and import nothing else of the domain but the sign names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.codes import SIGN_LABELS, SignCode


class ReviewCategory(StrEnum):
    """The groups the review is counted in (the counts line, the digest's sections)."""

    OVERDUE = "overdue"
    DUE = "due"
    SIGN = "sign"
    REQUEST = "request"
    SUMMARY = "summary"


class ReviewKind(StrEnum):
    """What a review item asks for. The values are what the kept review and
    ``scopekeeper review --format json`` write: ``<cadence>_<due|overdue>``, a warning
    sign's code, ``change_request`` or ``call_summary``."""

    STATUS_CALL_DUE = "status_call_due"
    STATUS_CALL_OVERDUE = "status_call_overdue"
    MONTHLY_REPORT_DUE = "monthly_report_due"
    MONTHLY_REPORT_OVERDUE = "monthly_report_overdue"
    CONTACT_DUE = "contact_due"
    CONTACT_OVERDUE = "contact_overdue"
    VISIT_DUE = "visit_due"
    VISIT_OVERDUE = "visit_overdue"
    NEW_ACCESS = SignCode.NEW_ACCESS.value
    CONTACT_CHANGE = SignCode.CONTACT_CHANGE.value
    LOW_NPS = SignCode.LOW_NPS.value
    COMM_SILENCE = SignCode.COMM_SILENCE.value
    COMM_SURGE = SignCode.COMM_SURGE.value
    BUDGET_CUT = SignCode.BUDGET_CUT.value
    OVERDUE_CADENCE = SignCode.OVERDUE_CADENCE.value
    THIN_COVERAGE = SignCode.THIN_COVERAGE.value
    OVER_CAPACITY = SignCode.OVER_CAPACITY.value
    FAVOUR_PATTERN = SignCode.FAVOUR_PATTERN.value
    CHANGE_REQUEST = "change_request"
    CALL_SUMMARY = "call_summary"

    @classmethod
    def of_cadence(cls, cadence: str, state: str) -> ReviewKind:
        """The kind of a cadence that is ``due`` or ``overdue``."""
        return cls(f"{cadence}_{state}")

    @property
    def category(self) -> ReviewCategory:
        return _CATEGORY[self]

    @property
    def cadence(self) -> str | None:
        """The cadence a due or overdue item is about (``status_call``...), else None."""
        return _CADENCE.get(self)

    @property
    def label(self) -> str:
        """``status_call_overdue`` -> ``status call overdue``; a sign -> its label."""
        if self.category is ReviewCategory.SIGN:
            return SIGN_LABELS[self.value]
        return self.value.replace("_", " ")


def _category(kind: ReviewKind) -> ReviewCategory:
    if kind is ReviewKind.CHANGE_REQUEST:
        return ReviewCategory.REQUEST
    if kind is ReviewKind.CALL_SUMMARY:
        return ReviewCategory.SUMMARY
    if kind.value in SIGN_LABELS:
        return ReviewCategory.SIGN
    return ReviewCategory(kind.value.rpartition("_")[2])  # a cadence's due or overdue


_CATEGORY = {k: _category(k) for k in ReviewKind}
_CADENCE = {k: k.value.rpartition("_")[0] for k in ReviewKind
            if _CATEGORY[k] in (ReviewCategory.DUE, ReviewCategory.OVERDUE)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewItem:
    """One thing to do today. ``key`` identifies it for snoozing; ``due`` is the day it
    became due (deadline of a cadence, since-date of a sign, date of a request or call)."""

    key: str
    client_id: str
    client: str
    kind: ReviewKind
    urgency: int
    why: str
    due: date | None
    subject: str = ""  # the record it is about: sign key, change request id, interaction id

    def sort_key(self) -> tuple[int, date, str, str, str, str, str, str, str]:
        # ends with every field, so that no two different items ever tie
        return (-self.urgency, self.due or date.max, self.client.casefold(), self.client_id,
                self.kind, self.key, self.client, self.why, self.subject)


CATEGORIES = tuple(ReviewCategory)


def counts_by_category(items: Iterable[ReviewItem]) -> dict[ReviewCategory, int]:
    counts = dict.fromkeys(CATEGORIES, 0)
    for i in items:
        counts[i.kind.category] += 1
    return counts
