"""The email digest: grouped by kind, the most urgent group first, wrapped at 78 columns."""

from __future__ import annotations

from datetime import date

from scopekeeper.digest import review_text
from tracker.review_items import ReviewItem, ReviewKind

DAY = date(2026, 11, 23)


def item(client: str, kind: str, urgency: int, why: str) -> ReviewItem:
    return ReviewItem(key=f"{client}:{kind}", client_id=client.lower(), client=client,
                      kind=ReviewKind(kind), urgency=urgency, why=why, due=None)


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


WIDE_NAMES = ["東京デザイン株式会社", "🚀 Rocket Labs", "Café Crème", "서울 마케팅 그룹 주식회사 본사",
              "Ａｃｍｅ Ｃｏ", "👩‍💻 Dev Studio", "Plain Name"]


def test_the_why_column_starts_at_the_same_terminal_column_whatever_the_name():
    """CJK and emoji names take two cells a character: the why column stays at column 29
    (it once started at 38), and no line is wider than 78 cells, however wide the text."""
    from rich.cells import cell_len

    items = [item(n, "low_nps", 70 - k, "low NPS: " + "東京の広告予算 " * 12)
             for k, n in enumerate(WIDE_NAMES)]
    lines = review_text(DAY, items).splitlines()
    leads = [ln for ln in lines if "low NPS" in ln]
    assert len(leads) == len(WIDE_NAMES)
    assert {cell_len(ln[:ln.index("low NPS")]) for ln in leads} == {29}
    assert max(cell_len(ln) for ln in lines[1:]) <= 78
    wrapped = [ln for ln in lines if ln.startswith(" " * 29)]
    assert wrapped and all(cell_len(ln) <= 78 for ln in wrapped)
    assert "東京デザイン株式会社" in lines[4] and "서울 마케팅 그룹 주식…" in "".join(leads)
