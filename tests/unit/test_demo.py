from __future__ import annotations

import pytest

from tests.factories import TODAY
from tracker.demo import make_demo
from tracker.models import ClientStatus, Role
from tracker.review import assess, build_review
from tracker.warning_signs import SignCode


@pytest.fixture(scope="module")
def demo():
    return make_demo(TODAY)


def test_same_seed_same_agency_other_seed_other_agency(demo):
    assert make_demo(TODAY) == demo
    assert make_demo(TODAY, seed=8) != demo


def test_demo_is_a_realistic_agency(demo):
    assert 25 <= len(demo.clients) <= 30
    assert {c.status for c in demo.clients} == set(ClientStatus) - {ClientStatus.PAUSED}
    assert {m.role for m in demo.members} == set(Role)
    assert any(c.remote and c.location for c in demo.clients)
    assert len({c.name for c in demo.clients}) == len(demo.clients)
    assert len({i.id for i in demo.interactions}) == len(demo.interactions)
    assert all(i.on <= TODAY for i in demo.interactions)
    assert demo.nps and demo.scope_items and demo.change_requests


def test_demo_review_shows_every_sign_and_every_cadence_kind(demo):
    items = build_review(demo, TODAY)
    kinds = {i.kind for i in items}
    signs = set(SignCode) - {SignCode.OVERDUE_CADENCE}  # overdue cadences show as cadence items
    assert {s.value for s in signs} <= kinds
    for cadence in ("status_call", "monthly_report", "contact", "visit"):
        assert f"{cadence}_overdue" in kinds
    assert {k.category for k in kinds} == {"overdue", "due", "sign", "request", "summary"}


def test_demo_has_one_analyst_over_capacity_and_an_acknowledged_sign(demo):
    found = assess(demo, TODAY)
    over = {s.evidence for a in found for s in a.signs if s.code is SignCode.OVER_CAPACITY}
    assert over == {"Ana Souza (analyst) covers 4 active clients, limit 3"}
    assert any(s.acknowledged for a in found for s in a.signs)


def test_demo_scales_to_an_agency_of_500_clients():
    big = make_demo(TODAY, clients=500, events=100_000)
    assert len([c for c in big.clients if c.status is ClientStatus.ACTIVE]) >= 500
    assert 90_000 <= len(big.interactions) <= 120_000


def test_demo_needs_enough_clients_to_show_everything():
    with pytest.raises(ValueError, match="at least 16"):
        make_demo(TODAY, clients=10)


@pytest.mark.parametrize("clients", [25, 500, 1700])
def test_demo_client_names_are_unique(clients):
    from collections import Counter

    names = Counter(c.name for c in make_demo(TODAY, clients=clients, events=clients * 5).clients)
    assert [n for n, k in names.items() if k > 1] == []
