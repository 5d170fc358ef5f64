"""A client's ad budget, as its budget changes tell it: which change is the latest, the
budget now, and one change in words (the command line, the entry form, the overview and the
timeline all ask the same)."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.models import BudgetChange
from tracker.money import format_money


def newest_first(changes: Iterable[BudgetChange]) -> list[BudgetChange]:
    """Budget changes, the latest first: by date, then by id (one rule for which change is
    the latest, so the overview's budget history and "the budget now" agree)."""
    return sorted(changes, key=lambda b: (b.on, b.id), reverse=True)


def last_budget(changes: Iterable[BudgetChange], client_id: str) -> int | None:
    """The client's budget now, in cents: what its latest change set it to; None while none
    is recorded (nobody can guess the budget before the first)."""
    known = newest_first(b for b in changes if b.client_id == client_id)
    return known[0].new_cents if known else None


def change_words(b: BudgetChange, currency: str) -> str:
    """``$7,000 -> $5,000 (savings we created) why``: the amounts before and after,
    whether the cut is one we brought about (not a warning sign), and the reason as given
    (an empty reason leaves a trailing space: callers strip it where it matters)."""
    return (f"{format_money(b.old_cents, currency)} -> {format_money(b.new_cents, currency)}"
            f"{' (savings we created)' if b.savings_we_created else ''} {b.reason}")
