"""A 0-100 health score per client with a human-readable breakdown.

The band (and its word: ok / watch / risk) is read off the score and nothing else, so the
word and the number always agree and sorting by the number sorts by the word too. A client
with an unresolved severe sign is at risk: its score is capped inside the risk band, and the
breakdown says so (the demo once listed "watch 60" above "risk 75").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tracker.warning_signs import Severity, Sign

BASE = 100
PENALTY = {Severity.SEVERE: 25, Severity.WARNING: 10, Severity.WATCH: 5}
RED_BELOW = 50
AMBER_BELOW = 75
#: The highest score of a client with an unresolved severe sign: inside the risk band.
SEVERE_CAP = RED_BELOW - 1


class Band(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def word(self) -> str:
        """What every screen calls the band."""
        return BAND_WORDS[self]


BAND_WORDS = {Band.GREEN: "ok", Band.AMBER: "watch", Band.RED: "risk"}


def band_of(score: int) -> Band:
    """The one band definition: below 50 risk, below 75 watch, else ok."""
    if score < RED_BELOW:
        return Band.RED
    if score < AMBER_BELOW:
        return Band.AMBER
    return Band.GREEN


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthFactor:
    label: str
    points: int
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Health:
    score: int
    band: Band
    factors: tuple[HealthFactor, ...]

    def explain(self) -> str:
        lines = [f"{f.points:+4d}  {f.label}: {f.detail}" for f in self.factors]
        return "\n".join([*lines, f"= {self.score} ({self.band.word})"])


def health(signs: Iterable[Sign]) -> Health:
    """Start from 100 and take off points for every unresolved sign.

    A severe sign costs 25, a warning 10, a watch 5; an acknowledged sign (someone is acting
    on it) costs half. An unresolved severe sign, acknowledged or not, also caps the score
    at 49, in the risk band. Below 50 is risk, below 75 watch, else ok.
    """
    factors = [HealthFactor(label="base", points=BASE, detail="every client starts at 100")]
    severe: Sign | None = None
    for s in sorted((s for s in signs if not s.resolved), key=lambda s: (-s.severity.rank, s.key)):
        cost = PENALTY[s.severity]
        note = ""
        if s.acknowledged:
            cost //= 2
            note = " (acknowledged: half)"
        if severe is None and s.severity is Severity.SEVERE:
            severe = s
        factors.append(HealthFactor(label=f"{s.code.label} ({s.severity.value}){note}",
                                    points=-cost, detail=s.evidence))
    score = max(0, min(100, sum(f.points for f in factors)))
    if severe is not None and score > SEVERE_CAP:
        factors.append(HealthFactor(
            label="severe sign unresolved", points=SEVERE_CAP - score,
            detail=f"at most {SEVERE_CAP} until {severe.code.label} is resolved"))
        score = SEVERE_CAP
    return Health(score=score, band=band_of(score), factors=tuple(factors))
