"""A 0-100 health score per client with a human-readable breakdown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tracker.warning_signs import Severity, Sign

BASE = 100
PENALTY = {Severity.SEVERE: 25, Severity.WARNING: 10, Severity.WATCH: 5}
RED_BELOW = 50
AMBER_BELOW = 75


class Band(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


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
        return "\n".join([*lines, f"= {self.score} ({self.band.value})"])


def health(signs: Iterable[Sign]) -> Health:
    """Start from 100 and take off points for every unresolved sign.

    A severe sign costs 25, a warning 10, a watch 5; an acknowledged sign (someone is acting
    on it) costs half. Any unresolved severe sign makes the client red whatever the score;
    otherwise below 50 is red and below 75 amber.
    """
    factors = [HealthFactor(label="base", points=BASE, detail="every client starts at 100")]
    severe = False
    for s in sorted((s for s in signs if not s.resolved), key=lambda s: (-s.severity.rank, s.key)):
        cost = PENALTY[s.severity]
        note = ""
        if s.acknowledged:
            cost //= 2
            note = " (acknowledged: half)"
        severe = severe or s.severity is Severity.SEVERE
        factors.append(HealthFactor(label=f"{s.code.label} ({s.severity.value}){note}",
                                    points=-cost, detail=s.evidence))
    score = max(0, min(100, sum(f.points for f in factors)))
    if severe or score < RED_BELOW:
        band = Band.RED
    elif score < AMBER_BELOW:
        band = Band.AMBER
    else:
        band = Band.GREEN
    return Health(score=score, band=band, factors=tuple(factors))
