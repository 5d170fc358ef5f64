from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest
from hypothesis import given, strategies as st

from tests.factories import (
    TODAY,
    agency_of,
    ago,
    make_access,
    make_client,
    make_contact_change,
    make_interaction,
    make_log,
    make_nps,
    make_request,
    steady,
)
from tracker.health import Band, health
from tracker.models import CallFrequency, InteractionKind, SignState, Snooze
from tracker.review import assess, build_review, rank_review
from tracker.review_items import ReviewItem, ReviewKind, counts_by_category
from tracker.warning_signs import Severity, Sign, SignCode

K = InteractionKind


def sign(severity, key="k", state=None):
    return Sign(key=key, client_id="c", code=SignCode.LOW_NPS, severity=severity, since=TODAY,
                evidence="NPS 5/10", response="save mode", state=state)


# --- health ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs", "score", "band"),
    [
        ([], 100, Band.GREEN),
        ([sign(Severity.WATCH)], 95, Band.GREEN),
        ([sign(Severity.WARNING), sign(Severity.WARNING, "k2"), sign(Severity.WARNING, "k3")],
         70, Band.AMBER),
        ([sign(Severity.SEVERE)], 49, Band.RED),  # any severe sign: a score in the red band
        ([sign(Severity.WARNING, f"k{i}") for i in range(6)], 40, Band.RED),
        ([sign(Severity.SEVERE, f"k{i}") for i in range(6)], 0, Band.RED),
    ],
    ids=["none", "watch", "three-warnings", "one-severe", "six-warnings", "floor-at-0"],
)
def test_health_score_and_band(signs, score, band):
    h = health(signs)
    assert (h.score, h.band) == (score, band)


def test_health_breakdown_explains_every_point():
    state = SignState(id="s", client_id="c", sign_key="k2", acknowledged_on=TODAY)
    h = health([sign(Severity.SEVERE), sign(Severity.WARNING, "k2", state)])
    assert sum(f.points for f in h.factors) == h.score == 49
    text = h.explain()
    assert "low NPS (severe): NPS 5/10" in text
    assert "(acknowledged: half)" in text
    assert " -21  severe sign unresolved: at most 49 until low NPS is resolved" in text
    assert text.endswith("= 49 (risk)")


def test_resolved_signs_do_not_count():
    state = SignState(id="s", client_id="c", sign_key="k", resolved_on=TODAY)
    assert health([sign(Severity.SEVERE, state=state)]).score == 100


# --- review queue ------------------------------------------------------------------------


def review(agency, today=TODAY):
    return build_review(agency, today)


def test_review_lists_each_kind_with_a_why():
    c = make_client(name="Acme", freq=CallFrequency.WEEKLY, remote=True)
    log = (make_log(c, K.STATUS_CALL, 10) + make_log(c, K.MONTHLY_REPORT_SENT, 28)
           + make_log(c, K.IN_PERSON_VISIT, 45) + make_log(c, K.CALL_SUMMARY_SENT, 45))
    a = agency_of(c, interactions=log, change_requests=[make_request(c, 4)],
                  access_grants=[make_access(c)])
    got = {i.kind: i for i in review(a)}
    assert set(got) == {"status_call_overdue", "monthly_report_due", "visit_due",
                        "new_access", "change_request", "call_summary"}
    assert got["status_call_overdue"].why == "status call 3 days overdue (weekly; last 2026-11-13)"
    assert got["status_call_overdue"].due == ago(3)
    assert got["change_request"].why.startswith("expand scope or stay focused? waiting 4 days")
    assert got["call_summary"].why == "status call on 2026-11-13 has no call summary sent yet"
    assert got["new_access"].why.startswith("new outside access: ")
    # the overdue status call is not listed twice (as cadence and as sign)
    assert "overdue_cadence" not in got


def test_all_clear_when_nothing_is_due():
    c = make_client()
    assert review(agency_of(c, interactions=steady(c))) == ()


def test_summary_sent_clears_the_call_item():
    c = make_client()
    log = make_log(c, K.STATUS_CALL, 1) + make_log(c, K.MONTHLY_REPORT_SENT, 3)
    assert [i.kind for i in review(agency_of(c, interactions=log))] == ["call_summary"]
    log += make_log(c, K.CALL_SUMMARY_SENT, 0)
    assert review(agency_of(c, interactions=log)) == ()


def test_a_summary_covers_the_calls_logged_before_it_that_day_not_after():
    """Call, summary, then a meeting on the same day: the meeting still needs its summary
    (the ids of one day's records are random: the order they were logged decides)."""
    c = make_client()
    steady_ = make_log(c, K.STATUS_CALL, 1) + make_log(c, K.MONTHLY_REPORT_SENT, 3)
    call = make_interaction(c, K.STATUS_CALL, TODAY, id="int_zzz")
    summary = make_interaction(c, K.CALL_SUMMARY_SENT, TODAY, id="int_mmm")
    meeting = make_interaction(c, K.MEETING, TODAY, id="int_aaa")
    got = review(agency_of(c, interactions=[*steady_, call, summary, meeting]))
    assert [(i.kind, i.subject) for i in got] == [("call_summary", "int_aaa")]
    assert review(agency_of(c, interactions=[*steady_, call, meeting, summary])) == ()


def test_acknowledged_sign_leaves_the_queue_but_stays_a_sign():
    c = make_client()
    g = make_access(c)
    st_ = SignState(id="s", client_id=c.id, sign_key=f"{c.id}:new_access:{g.id}",
                    acknowledged_on=TODAY, note="called them")
    a = agency_of(c, interactions=steady(c), access_grants=[g], sign_states=[st_])
    assert review(a) == ()
    assert [s.code for s in assess(a, TODAY)[0].signs] == [SignCode.NEW_ACCESS]


def test_snoozed_item_is_hidden_until_the_date():
    c = make_client()
    a = agency_of(c, interactions=steady(c), contact_changes=[make_contact_change(c)])
    (item,) = review(a)
    snoozed = replace(a, snoozes=(Snooze(id="z", item_key=item.key, until=ago(-3)),))
    assert review(snoozed) == ()
    assert review(snoozed, today=ago(-2)) == ()
    assert [i.key for i in review(snoozed, today=ago(-3))] == [item.key]


def test_more_urgent_first_severe_before_due():
    a1, a2, a3 = (make_client(name=n) for n in ("A", "B", "C"))
    log = steady(a1) + steady(a2) + make_log(a3, K.STATUS_CALL, 6) + make_log(
        a3, K.MONTHLY_REPORT_SENT, 5) + make_log(a3, K.CALL_SUMMARY_SENT, 6)
    a = agency_of(a1, a2, a3, interactions=log, nps=[make_nps(a1, 8), make_nps(a2, 2)])
    # A's 8 is passive: no sign, no item
    assert [(i.client, i.kind) for i in review(a)] == [
        ("B", "low_nps"), ("C", "status_call_due")]


def item(**kw):
    base = {"key": "k", "client_id": "c", "client": "C", "kind": "low_nps", "urgency": 50,
            "why": "w", "due": TODAY}
    return ReviewItem(**{**base, **kw, "kind": ReviewKind(kw.get("kind", base["kind"]))})


items_st = st.lists(
    st.builds(item, key=st.text(max_size=3), client_id=st.sampled_from(["c1", "c2"]),
              client=st.sampled_from(["Acme", "acme", "Beta"]),
              kind=st.sampled_from(["low_nps", "contact_due", "change_request"]),
              urgency=st.integers(0, 100),
              due=st.one_of(st.none(), st.dates())),
    max_size=20,
)


@given(items=items_st, seed=st.integers())
def test_ranking_is_a_deterministic_total_order(items, seed):
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    ranked = rank_review(items)
    assert rank_review(shuffled) == ranked
    assert all(a.urgency >= b.urgency for a, b in itertools.pairwise(ranked))


def test_review_of_the_same_data_is_identical_whatever_the_record_order():
    cs = [make_client(name=f"C{i}") for i in range(5)]
    log = [make_interaction(c, K.STATUS_CALL, ago(9)) for c in cs]
    a = agency_of(*cs, interactions=log, nps=[make_nps(c, 3) for c in cs])
    b = replace(a, clients=tuple(reversed(a.clients)),
                interactions=tuple(reversed(a.interactions)))
    assert review(a) == review(b)


@pytest.mark.parametrize(
    ("kind", "cat", "label"),
    [("status_call_overdue", "overdue", "status call overdue"), ("visit_due", "due", "visit due"),
     ("comm_surge", "sign", "surge of questions"), ("change_request", "request", "change request"),
     ("call_summary", "summary", "call summary")],
    ids=["overdue", "due", "sign", "request", "summary"],
)
def test_kind_categories_and_labels(kind, cat, label):
    # read back as the kept review and the JSON output write it
    assert ReviewKind(kind).category == cat
    assert ReviewKind(kind).label == label
    assert str(ReviewKind(kind)) == kind


def test_counts_by_category():
    items = [item(kind="low_nps"), item(kind="visit_due"), item(kind="budget_cut")]
    assert counts_by_category(items) == {"overdue": 0, "due": 1, "sign": 2, "request": 0,
                                         "summary": 0}
