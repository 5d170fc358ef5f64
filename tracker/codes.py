"""The warning signs' codes and names: all a list of review items needs to label them.

Kept apart from the rules (:mod:`tracker.warning_signs`) so that showing a kept review
imports nothing else of the domain.
"""

from __future__ import annotations

from enum import StrEnum


class SignCode(StrEnum):
    NEW_ACCESS = "new_access"
    CONTACT_CHANGE = "contact_change"
    LOW_NPS = "low_nps"
    COMM_SILENCE = "comm_silence"
    COMM_SURGE = "comm_surge"
    BUDGET_CUT = "budget_cut"
    OVERDUE_CADENCE = "overdue_cadence"
    THIN_COVERAGE = "thin_coverage"
    OVER_CAPACITY = "over_capacity"
    FAVOUR_PATTERN = "favour_pattern"

    @property
    def label(self) -> str:
        return SIGN_LABELS[self]


SIGN_LABELS: dict[str, str] = {
    SignCode.NEW_ACCESS: "new outside access",
    SignCode.CONTACT_CHANGE: "main contact changed",
    SignCode.LOW_NPS: "low NPS",
    SignCode.COMM_SILENCE: "gone quiet",
    SignCode.COMM_SURGE: "surge of questions",
    SignCode.BUDGET_CUT: "budget cut",
    SignCode.OVERDUE_CADENCE: "overdue cadence",
    SignCode.THIN_COVERAGE: "thin coverage",
    SignCode.OVER_CAPACITY: "person over capacity",
    SignCode.FAVOUR_PATTERN: "pattern of free favours",
}
