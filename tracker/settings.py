"""Thresholds of the rules, each with the default the domain gives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    # cadence: how many days before the deadline an item shows as "due"
    status_call_lead_days: int = 1
    monthly_report_lead_days: int = 3
    contact_lead_days: int = 7
    # warning signs
    event_window_days: int = 90  # access grants, contact changes, budget cuts stay signs this long
    nps_detractor_max: int = 6  # 0..6 detractor (severe)
    nps_passive_max: int = 8  # 7..8 passive (watch)
    favour_window_days: int = 90
    favour_threshold: int = 3
    # communication style, judged against the client's own history
    comm_baseline_days: int = 180
    comm_min_history: int = 5  # interactions needed in the baseline before judging silence
    silence_factor: float = 3.0  # current gap > factor x usual gap ...
    silence_min_days: int = 14  # ... and at least this many days
    surge_window_days: int = 14
    surge_factor: float = 3.0  # questions in the window > factor x usual rate ...
    surge_min_questions: int = 4  # ... and at least this many
    # review
    summary_window_days: int = 30  # a call older than this without summary is no longer chased


DEFAULT_THRESHOLDS = Thresholds()
