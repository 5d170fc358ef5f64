"""The review digest keeps a quarter of the interactions; reviews from its day on must be
exactly the reviews of the whole history, whatever is logged afterwards."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from tracker.demo import make_demo
from tracker.models import Interaction, InteractionKind
from tracker.review import build_review
from tracker.review_inputs import for_review
from tracker.settings import Thresholds

D0 = date(2026, 11, 23)
AGENCY = make_demo(D0, clients=40, events=9000, seed=5)


def test_it_keeps_a_fraction():
    kept = for_review(AGENCY, D0)
    assert 0 < len(kept.interactions) < len(AGENCY.interactions) / 2
    assert kept.clients == AGENCY.clients and kept.nps == AGENCY.nps


@settings(max_examples=40, deadline=None)
@given(ahead=st.integers(0, 500), seed=st.integers(0, 10_000), extra=st.integers(0, 40))
def test_reviews_from_its_day_on_are_the_same_as_from_everything(ahead, seed, extra):
    rng = random.Random(seed)
    day = D0 + timedelta(days=ahead)
    later = tuple(Interaction(id=f"new_{n}", client_id=rng.choice(AGENCY.clients).id,
                              kind=rng.choice(list(InteractionKind)),
                              on=D0 + timedelta(days=rng.randint(0, ahead + 30)))
                  for n in range(extra))  # what the journal brings after the digest
    whole = replace(AGENCY, interactions=AGENCY.interactions + later)
    part = for_review(AGENCY, D0)
    part = replace(part, interactions=part.interactions + later)
    assert build_review(part, day) == build_review(whole, day)


@pytest.mark.parametrize("t", [Thresholds(comm_baseline_days=30),
                               Thresholds(comm_baseline_days=400, surge_window_days=60)])
def test_other_thresholds_keep_what_they_need(t):
    part = for_review(AGENCY, D0, t)
    for ahead in (0, 3, 40, 200):
        day = D0 + timedelta(days=ahead)
        assert build_review(part, day, t) == build_review(AGENCY, day, t)
