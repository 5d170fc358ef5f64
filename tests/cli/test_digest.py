"""The email digest: grouped by kind, the most urgent group first, wrapped at 78 columns."""

from __future__ import annotations

from datetime import date

from scopekeeper.digest import review_text
from tracker.review_items import ReviewItem

DAY = date(2026, 11, 23)


def item(client: str, kind: str, urgency: int, why: str) -> ReviewItem:
    return ReviewItem(key=f"{client}:{kind}", client_id=client.lower(), client=client, kind=kind,
                      urgency=urgency, why=why, due=None)


def test_digest_text():
    items = [
        item("Lumen Solar", "status_call_overdue", 90, "status call 20 days overdue"),
        item("Atlas Freight", "budget_cut", 85, "budget cut: 2026-11-17: budget 12,000.00 -> "
             "7,000.00 (-42%) (Q1 marketing freeze) and a second sentence to wrap"),
        item("Redwood Insurance Group Holdings", "change_request", 63,
             "expand scope or stay focused? waiting 8 days: Spanish page"),
        item("Bayview Hotels", "visit_due", 40, "visit due by Fri 04 Dec"),
        item("Copperline", "low_nps", 86, "low NPS: NPS 4/10"),
    ]
    assert review_text(DAY, items, "Priya Shah") == """\
Review for Mon 23 Nov 2026, for Priya Shah: 5 items (1 overdue · 2 signs · 1 request · 1 due)

Overdue: calls, reports, contact and visits past their date (1)

 90  Lumen Solar             status call 20 days overdue

Warning signs: clients who may be about to leave (2)

 86  Copperline              low NPS: NPS 4/10
 85  Atlas Freight           budget cut: 2026-11-17: budget 12,000.00 ->
                             7,000.00 (-42%) (Q1 marketing freeze) and a
                             second sentence to wrap

Change requests waiting for 'expand scope or stay focused' (1)

 63  Redwood Insurance Gro…  expand scope or stay focused? waiting 8 days:
                             Spanish page

Due in the next days (1)

 40  Bayview Hotels          visit due by Fri 04 Dec"""


def test_all_clear_and_hostile_names():
    assert review_text(DAY, []) == "Review for Mon 23 Nov 2026: all clear."
    out = review_text(DAY, [item("Evil\x1b]0;x\x07 Co", "low_nps", 70, "why\x9b2J")])
    assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
