"""The review as plain text that reads well in an email digest (``review --format text``).

Items are grouped by kind, the group with the most urgent item first, each group most
urgent first; long reasons wrap under their own column so the digest stays readable at 78
columns in any mail client. Columns are counted in terminal cells (a CJK or emoji name is
wider than it is long).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.review_items import ReviewItem
from tracker.text import clean_line, clip, pad, wrap

TITLES = {
    "overdue": "Overdue: calls, reports, contact and visits past their date",
    "sign": "Warning signs: clients who may be about to leave",
    "request": "Change requests waiting for 'expand scope or stay focused'",
    "summary": "Calls without a written summary",
    "due": "Due in the next days",
}
ORDER = tuple(TITLES)
WORDS = {"overdue": ("overdue", "overdue"), "sign": ("sign", "signs"),
         "request": ("request", "requests"), "summary": ("summary", "summaries"),
         "due": ("due", "due")}
WIDTH = 78
CLIENT = 22


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def review_text(day: date, items: Sequence[ReviewItem], person: str = "") -> str:
    heading = f"Review for {day:%a %d %b %Y}" + (f", for {clean_line(person)}" if person else "")
    if not items:
        return f"{heading}: all clear."
    groups: dict[str, list[ReviewItem]] = {}
    for item in items:
        groups.setdefault(item.kind.category, []).append(item)
    counts = " · ".join(f"{len(groups[k])} {WORDS[k][len(groups[k]) != 1]}"
                        for k in ORDER if k in groups)
    lines = [f"{heading}: {_plural(len(items), 'item')} ({counts})"]
    ranked = sorted(groups, key=lambda k: (-max(i.urgency for i in groups[k]), ORDER.index(k)))
    indent = " " * (5 + CLIENT + 2)
    for key in ranked:
        members = sorted(groups[key], key=ReviewItem.sort_key)
        lines += ["", f"{TITLES[key]} ({len(members)})", ""]
        for i in members:
            # columns are counted in terminal cells: a CJK or emoji name is wider than long
            lead = f"{i.urgency:3d}  {pad(clip(clean_line(i.client), CLIENT), CLIENT)}  "
            why = wrap(clean_line(i.why), WIDTH - len(indent)) or [""]
            lines.append(lead + why[0])
            lines += [indent + more for more in why[1:]]
    return "\n".join(lines)
