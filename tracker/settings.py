"""Thresholds of the rules, each with the default the domain gives."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

NPS_MAX = 10  # scores run from 0 to 10


class NpsBand(StrEnum):
    """The one NPS band definition (thresholds below): only a detractor is a warning sign;
    a passive score is neither low nor a sign, and no screen calls it low."""

    DETRACTOR = "detractor"
    PASSIVE = "passive"
    PROMOTER = "promoter"


class ThresholdError(ValueError):
    """Thresholds that contradict each other; names the setting."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


@dataclass(frozen=True, slots=True, kw_only=True)
class Thresholds:
    # cadence: how many days before the deadline an item shows as "due"
    status_call_lead_days: int = 1
    monthly_report_lead_days: int = 3
    contact_lead_days: int = 7
    # warning signs
    event_window_days: int = 90  # access grants, contact changes, budget cuts stay signs this long
    nps_detractor_max: int = 6  # 0..6 detractor: the "low NPS" sign (severe)
    nps_passive_max: int = 8  # 7..8 passive (no sign), 9..10 promoter
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

    def __post_init__(self) -> None:
        if not 0 <= self.nps_detractor_max < NPS_MAX:
            raise ThresholdError("nps_detractor_max", f"must be between 0 and {NPS_MAX - 1}")
        if not self.nps_detractor_max <= self.nps_passive_max <= NPS_MAX:
            raise ThresholdError("nps_passive_max", "must be between nps_detractor_max "
                                 f"({self.nps_detractor_max}) and {NPS_MAX}")

    def nps_band(self, score: int) -> NpsBand:
        """Detractor up to ``nps_detractor_max``, passive up to ``nps_passive_max``, else
        promoter."""
        if score <= self.nps_detractor_max:
            return NpsBand.DETRACTOR
        if score <= self.nps_passive_max:
            return NpsBand.PASSIVE
        return NpsBand.PROMOTER

    def nps_bands_text(self) -> str:
        """``detractor 0-6, passive 7-8, promoter 9-10``, as configured."""
        d, p = self.nps_detractor_max, self.nps_passive_max
        parts = [f"detractor 0-{d}"]
        if p > d:
            parts.append(f"passive {d + 1}-{p}")
        if p < NPS_MAX:
            parts.append(f"promoter {p + 1}-{NPS_MAX}")
        return ", ".join(parts)


DEFAULT_THRESHOLDS = Thresholds()
