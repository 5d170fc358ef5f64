"""The part of an agency's history that today's review — and every later day's — depends on.

A review reads the interactions through three rules only: the last interaction of each
kind (cadences), the client's contacts in the ``comm_baseline_days`` before its last
contact (silence), and the questions in the ``surge_window_days`` plus
``comm_baseline_days`` before the day (surge); a call without a summary is only chased for
``summary_window_days``. So for any day from ``day`` on, keeping every interaction since

    min(last contact on or before ``day`` - baseline, ``day`` - surge window - baseline)

(a day earlier, to be safe), plus each client's latest interaction of every kind, gives
exactly the same review as the whole history: both windows only move forward with time
and with new contacts. Every other record is kept whole (they are few). The test suite
checks the equivalence on the demo agency over many days and random additions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from tracker.models import Agency, Interaction, InteractionKind
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds

_SILENT = frozenset({InteractionKind.MONTHLY_REPORT_SENT, InteractionKind.CALL_SUMMARY_SENT})


def horizon(voice_days: list[date], day: date, t: Thresholds) -> date:
    """The oldest day a review on ``day`` or later can look at, for one client."""
    back = timedelta(days=t.comm_baseline_days)
    surge = day - timedelta(days=t.surge_window_days) - back
    past = [d for d in voice_days if d <= day]
    start = min(max(past) - back, surge) if past else surge
    return start - timedelta(days=1)


def for_review(agency: Agency, day: date, t: Thresholds = DEFAULT_THRESHOLDS) -> Agency:
    """``agency`` with only the interactions that reviews from ``day`` on can depend on."""
    by_client: dict[str, list[Interaction]] = {}
    for i in agency.interactions:
        by_client.setdefault(i.client_id, []).append(i)
    kept: list[Interaction] = []
    for items in by_client.values():
        since = horizon([i.on for i in items if i.kind not in _SILENT], day, t)
        latest: dict[InteractionKind, Interaction] = {}
        for i in items:
            best = latest.get(i.kind)
            if best is None or (i.on, i.id) > (best.on, best.id):
                latest[i.kind] = i
        keep_ids = {i.id for i in latest.values()}
        kept += [i for i in items if i.on >= since or i.id in keep_ids]
    return replace(agency, interactions=tuple(kept))
