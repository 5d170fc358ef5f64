from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from tests.factories import TODAY, ago, make_client, make_interaction, make_log
from tracker.cadence import (
    RESETS,
    CadenceKind,
    CadenceState,
    applicable,
    cadences,
    last_qualifying,
    next_due,
    window,
)
from tracker.models import CadenceSettings, CallFrequency, ClientStatus, InteractionKind

K = InteractionKind
C = CadenceKind


def state(client, log, kind, today=TODAY):
    return next(c for c in cadences(client, log, today) if c.kind is kind).state


@pytest.mark.parametrize(
    ("freq", "days_since_call", "expected"),
    [
        (CallFrequency.WEEKLY, 5, CadenceState.OK),
        (CallFrequency.WEEKLY, 6, CadenceState.DUE),
        (CallFrequency.WEEKLY, 7, CadenceState.DUE),
        (CallFrequency.WEEKLY, 8, CadenceState.OVERDUE),
        (CallFrequency.BIWEEKLY, 12, CadenceState.OK),
        (CallFrequency.BIWEEKLY, 13, CadenceState.DUE),
        (CallFrequency.BIWEEKLY, 15, CadenceState.OVERDUE),
        (CallFrequency.MONTHLY, 29, CadenceState.OK),  # Oct 25 + 1 month = Nov 25
        (CallFrequency.MONTHLY, 30, CadenceState.DUE),  # Oct 24 + 1 month = Nov 24
        (CallFrequency.MONTHLY, 32, CadenceState.OVERDUE),
    ],
    ids=["weekly-ok", "weekly-due-eve", "weekly-due-day", "weekly-overdue", "biweekly-ok",
         "biweekly-due", "biweekly-overdue", "monthly-ok", "monthly-due", "monthly-overdue"],
)
def test_status_call_state(freq, days_since_call, expected):
    c = make_client(freq=freq)
    assert state(c, make_log(c, K.STATUS_CALL, days_since_call), C.STATUS_CALL) is expected


@pytest.mark.parametrize(
    ("last", "deadline"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),
    ],
    ids=["jan31-to-feb28", "leap-feb29", "feb28-to-mar28", "mar31-to-apr30", "year-end"],
)
def test_monthly_deadline_handles_month_ends(last, deadline):
    c = make_client(freq=CallFrequency.MONTHLY, start_date=date(2025, 1, 1))
    assert window(c, C.MONTHLY_REPORT, last)[1] == deadline
    assert window(c, C.STATUS_CALL, last)[1] == deadline


def test_month_end_does_not_drift_over_a_year_of_reports():
    """Reports sent on each month's last day keep a month-end deadline (no Mar 28 drift)."""
    c = make_client(start_date=date(2025, 12, 1))
    ends = [date(2026, m + 1, 1) - timedelta(days=1) for m in range(1, 12)]
    for sent, next_end in itertools.pairwise(ends):
        deadline = window(c, C.MONTHLY_REPORT, sent)[1]
        assert deadline.month == next_end.month
        assert deadline >= next_end - timedelta(days=3)


@pytest.mark.parametrize(
    ("kind", "resets"),
    [
        (K.STATUS_CALL, {C.STATUS_CALL, C.CONTACT}),
        (K.IN_PERSON_VISIT, {C.STATUS_CALL, C.CONTACT, C.VISIT}),
        (K.AGENCY_EVENT, {C.CONTACT, C.VISIT}),
        (K.EMAIL, {C.CONTACT}),
        (K.QUESTION, {C.CONTACT}),
        (K.MONTHLY_REPORT_SENT, {C.MONTHLY_REPORT}),
        (K.CALL_SUMMARY_SENT, set()),
    ],
    ids=lambda v: v.value if hasattr(v, "value") else None,
)
def test_the_right_interaction_resets_the_right_cadence(kind, resets):
    c = make_client(remote=True, start_date=ago(300))
    log = [make_interaction(c, kind, ago(1))]
    got = {x.kind for x in cadences(c, log, TODAY) if x.last == ago(1)}
    assert got == resets
    assert set(RESETS[kind]) == resets


def test_status_call_does_not_reset_the_visit():
    c = make_client(remote=True, start_date=ago(300))
    log = make_log(c, K.IN_PERSON_VISIT, 60) + make_log(c, K.STATUS_CALL, 1)
    assert state(c, log, C.STATUS_CALL) is CadenceState.OK
    assert state(c, log, C.VISIT) is CadenceState.OVERDUE


@pytest.mark.parametrize(
    ("days", "expected"),
    [(41, CadenceState.OK), (42, CadenceState.DUE), (56, CadenceState.DUE),
     (57, CadenceState.OVERDUE)],
    ids=["before-window", "window-opens", "window-closes", "past-window"],
)
def test_visit_window_is_due_at_low_end_overdue_past_high_end(days, expected):
    c = make_client(remote=True, location="Denver")
    assert state(c, make_log(c, K.IN_PERSON_VISIT, days), C.VISIT) is expected


def test_visit_window_is_per_client():
    c = make_client(remote=True, cadence=CadenceSettings(visit_min_days=20, visit_max_days=30))
    assert state(c, make_log(c, K.IN_PERSON_VISIT, 25), C.VISIT) is CadenceState.DUE


def test_agency_event_counts_as_face_time():
    c = make_client(remote=True)
    assert state(c, make_log(c, K.AGENCY_EVENT, 10), C.VISIT) is CadenceState.OK


def test_without_history_the_cadence_counts_from_the_start_date():
    c = make_client(start_date=ago(3), freq=CallFrequency.WEEKLY)
    assert next_due(c, [], C.STATUS_CALL) == ago(3) + timedelta(days=6)
    assert state(c, [], C.STATUS_CALL) is CadenceState.OK


def test_minimum_contact_defaults_to_30_days():
    c = make_client(freq=CallFrequency.NONE)
    assert state(c, make_log(c, K.EMAIL, 30), C.CONTACT) is CadenceState.DUE
    assert state(c, make_log(c, K.EMAIL, 31), C.CONTACT) is CadenceState.OVERDUE
    assert state(c, make_log(c, K.EMAIL, 22), C.CONTACT) is CadenceState.OK


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, (C.STATUS_CALL, C.MONTHLY_REPORT, C.CONTACT)),
        ({"remote": True}, (C.STATUS_CALL, C.MONTHLY_REPORT, C.CONTACT, C.VISIT)),
        ({"freq": CallFrequency.NONE}, (C.MONTHLY_REPORT, C.CONTACT)),
        ({"cadence": CadenceSettings(monthly_report=False)}, (C.STATUS_CALL, C.CONTACT)),
        ({"status": ClientStatus.PAUSED}, ()),
        ({"status": ClientStatus.PROSPECT}, ()),
        ({"status": ClientStatus.CHURNED}, ()),
    ],
    ids=["local", "remote", "no-calls", "no-report", "paused", "prospect", "churned"],
)
def test_which_cadences_apply(kw, expected):
    assert applicable(make_client(**kw)) == expected


def test_last_qualifying_ignores_log_order_and_other_kinds():
    c = make_client()
    log = make_log(c, K.STATUS_CALL, 3, 10, 1) + make_log(c, K.EMAIL, 0)
    assert last_qualifying(log, C.STATUS_CALL) == ago(1)
    assert last_qualifying(log, C.CONTACT) == ago(0)


days = st.integers(min_value=0, max_value=800)


@given(
    call_days=st.lists(days, max_size=12),
    kinds=st.lists(st.sampled_from(list(InteractionKind)), min_size=12, max_size=12),
    freq=st.sampled_from([CallFrequency.WEEKLY, CallFrequency.BIWEEKLY, CallFrequency.MONTHLY]),
    remote=st.booleans(),
    offset=st.integers(min_value=0, max_value=400),
)
def test_next_due_is_never_before_the_last_qualifying_interaction(call_days, kinds, freq,
                                                                  remote, offset):
    c = make_client(freq=freq, remote=remote, start_date=ago(900))
    log = [make_interaction(c, k, ago(d)) for d, k in zip(call_days, kinds, strict=False)]
    for cad in cadences(c, log, ago(0) + timedelta(days=offset)):
        base = cad.last or c.start_date
        assert cad.due_on >= base
        assert cad.deadline >= cad.due_on
        assert next_due(c, log, cad.kind) == cad.due_on


@given(d1=st.integers(min_value=-30, max_value=90), d2=st.integers(min_value=-30, max_value=90))
def test_state_only_gets_worse_as_time_passes(d1, d2):
    c = make_client(remote=True, start_date=ago(200))
    log = make_log(c, K.STATUS_CALL, 10) + make_log(c, K.IN_PERSON_VISIT, 30)
    order = [CadenceState.OK, CadenceState.DUE, CadenceState.OVERDUE]
    early, late = sorted((d1, d2))
    for a, b in zip(cadences(c, log, TODAY + timedelta(days=early)),
                    cadences(c, log, TODAY + timedelta(days=late)), strict=True):
        assert order.index(a.state) <= order.index(b.state)
