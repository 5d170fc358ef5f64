"""Numbers and words agree: one health band and one NPS band definition, used by the rules,
the screens, the command line and the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from tests.factories import TODAY, agency_of, make_client, make_nps, steady
from tracker.demo import make_demo
from tracker.health import (
    AMBER_BELOW,
    RED_BELOW,
    SEVERE_CAP,
    Band,
    band_of,
    health,
)
from tracker.models import SignState
from tracker.review import assess, build_review
from tracker.settings import DEFAULT_THRESHOLDS, NpsBand, ThresholdError, Thresholds
from tracker.warning_signs import Severity, Sign, SignCode

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
RANK = {Band.RED: 0, Band.AMBER: 1, Band.GREEN: 2}


@st.composite
def signs(draw):
    out = []
    for n in range(draw(st.integers(0, 8))):
        state = draw(st.sampled_from([None, "ack", "resolved"]))
        out.append(Sign(
            key=f"k{n}", client_id="c", code=draw(st.sampled_from(list(SignCode))),
            severity=draw(st.sampled_from(list(Severity))), since=TODAY, evidence="e",
            response="r",
            state=None if state is None else SignState(
                id=f"s{n}", client_id="c", sign_key=f"k{n}",
                acknowledged_on=TODAY if state == "ack" else None,
                resolved_on=TODAY if state == "resolved" else None)))
    return out


@given(signs())
def test_the_health_word_is_read_off_the_number(found):
    h = health(found)
    assert h.band is band_of(h.score)
    assert h.explain().endswith(f"= {h.score} ({h.band.word})")
    if any(s.severity is Severity.SEVERE and not s.resolved for s in found):
        assert h.band is Band.RED and h.score <= SEVERE_CAP
    if h.score:  # the breakdown explains every point (above the floor at 0)
        assert sum(f.points for f in h.factors) == h.score


@given(st.lists(signs(), min_size=2, max_size=6))
def test_sorting_by_the_number_sorts_by_the_word(clients):
    ranked = sorted((health(s) for s in clients), key=lambda h: h.score)
    assert [RANK[h.band] for h in ranked] == sorted(RANK[h.band] for h in ranked)


def test_the_demo_lists_every_risk_client_above_every_watch_client():
    agency = make_demo(TODAY)
    found = {a.client.name: a.health for a in assess(agency, TODAY)}
    assert found["Atlas Freight"].band is Band.RED and found["Lumen Solar"].band is Band.AMBER
    assert found["Atlas Freight"].score < found["Lumen Solar"].score  # was 75 against 60
    by_score = sorted(found.values(), key=lambda h: h.score)
    assert [RANK[h.band] for h in by_score] == sorted(RANK[h.band] for h in by_score)


def test_the_readme_states_the_health_bands_the_rules_use():
    assert (f"risk below {RED_BELOW}, watch below {AMBER_BELOW}, ok from {AMBER_BELOW}"
            in " ".join(README.split()))
    assert f"scores at most {SEVERE_CAP}" in " ".join(README.split())
    assert [b.word for b in (Band.GREEN, Band.AMBER, Band.RED)] == ["ok", "watch", "risk"]


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, NpsBand.DETRACTOR), (6, NpsBand.DETRACTOR), (7, NpsBand.PASSIVE),
     (8, NpsBand.PASSIVE), (9, NpsBand.PROMOTER), (10, NpsBand.PROMOTER)],
)
def test_one_nps_band_definition(score, band):
    assert DEFAULT_THRESHOLDS.nps_band(score) is band


@pytest.mark.parametrize("score", range(11))
def test_only_a_detractor_is_the_low_nps_sign(score):
    c = make_client()
    a = agency_of(c, interactions=steady(c), nps=[make_nps(c, score)])
    codes = [i.kind for i in build_review(a, TODAY)]
    detractor = DEFAULT_THRESHOLDS.nps_band(score) is NpsBand.DETRACTOR
    assert ("low_nps" in codes) is detractor
    assert health(assess(a, TODAY)[0].signs).score == (SEVERE_CAP if detractor else 100)


def test_the_readme_states_the_nps_bands_the_rules_use():
    text = " ".join(README.split())
    t = DEFAULT_THRESHOLDS
    assert t.nps_bands_text() == "detractor 0-6, passive 7-8, promoter 9-10"
    assert (f"0–{t.nps_detractor_max} is a detractor (the \"low NPS\" warning sign), "
            f"{t.nps_detractor_max + 1}–{t.nps_passive_max} passive and "
            f"{t.nps_passive_max + 1}–10 promoter (neither is a sign)") in text
    # no other band is stated anywhere in the README
    assert re.findall(r"\d–\d+ (?:is a )?(?:detractor|passive)", text) == [
        f"0–{t.nps_detractor_max} is a detractor", f"{t.nps_detractor_max + 1}–8 passive"]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"nps_detractor_max": 8, "nps_passive_max": 6}, "nps_passive_max"),
     ({"nps_detractor_max": 10}, "nps_detractor_max"),
     ({"nps_passive_max": 11}, "nps_passive_max")],
    ids=["crossed", "all-detractors", "beyond-10"],
)
def test_nps_thresholds_that_make_no_bands_are_refused(kwargs, name):
    with pytest.raises(ThresholdError) as e:
        Thresholds(**kwargs)
    assert e.value.name == name
