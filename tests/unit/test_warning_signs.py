from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.factories import (
    TODAY,
    agency_of,
    ago,
    make_access,
    make_assignment,
    make_budget,
    make_client,
    make_contact_change,
    make_interaction,
    make_log,
    make_member,
    make_nps,
    make_request,
    steady,
)
from tracker.models import (
    CallFrequency,
    ChangeStatus,
    ClientStatus,
    InteractionKind,
    Role,
    SignState,
)
from tracker.review import assess
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds
from tracker.warning_signs import RESPONSES, Severity, SignCode, active

K = InteractionKind


def signs_of(agency, client=None, today=TODAY, t=DEFAULT_THRESHOLDS):
    found = {a.client.id: a.signs for a in assess(agency, today, t)}
    return found[(client or agency.clients[0]).id]


def codes(agency, client=None, **kw):
    return sorted(s.code.value for s in active(signs_of(agency, client, **kw)))


# --- the five signs from the articles -------------------------------------------------


@pytest.mark.parametrize(("days", "found"), [(3, True), (89, True), (90, False), (200, False)],
                         ids=["3d", "89d", "90d-lapsed", "old"])
def test_new_outside_access(days, found):
    c = make_client()
    a = agency_of(c, interactions=steady(c), access_grants=[make_access(c, days)])
    assert (codes(a) == ["new_access"]) is found
    if found:
        (s,) = signs_of(a)
        assert s.severity is Severity.SEVERE
        assert "rival@agency.com" in s.evidence
        assert s.response == RESPONSES[SignCode.NEW_ACCESS]


def test_the_first_main_contact_is_not_a_change():
    c = make_client()
    first = replace(make_contact_change(c, 1), old_name="")  # recorded by an older version
    assert codes(agency_of(c, interactions=steady(c), contact_changes=[first])) == []


@pytest.mark.parametrize(("days", "found"), [(1, True), (120, False)], ids=["recent", "old"])
def test_main_contact_change(days, found):
    c = make_client()
    a = agency_of(c, interactions=steady(c), contact_changes=[make_contact_change(c, days)])
    assert (codes(a) == ["contact_change"]) is found
    if found:
        (s,) = signs_of(a)
        assert "Ann Old -> Ned New" in s.evidence
        assert "Brief the new contact" in s.response


@pytest.mark.parametrize(
    ("scores", "severity"),
    [
        ([4], Severity.SEVERE),
        ([6], Severity.SEVERE),
        ([0], Severity.SEVERE),
        ([7], None),  # passive: not low, not a sign
        ([8], None),
        ([9], None),
        ([10], None),
        ([3, 9], None),  # the latest answer counts
        ([10, 5], Severity.SEVERE),
    ],
    ids=["4-detractor", "6-detractor", "0-detractor", "7-passive", "8-passive", "9-promoter",
         "10-promoter", "recovered", "dropped"],
)
def test_low_nps(scores, severity):
    c = make_client()
    nps = [make_nps(c, s, days_ago=30 - i) for i, s in enumerate(scores)]
    a = agency_of(c, interactions=steady(c), nps=nps)
    found = [s for s in signs_of(a) if s.code is SignCode.LOW_NPS]
    assert [s.severity for s in found] == ([severity] if severity else [])


@pytest.mark.parametrize(
    ("old", "new", "savings", "found"),
    [(1_000_000, 700_000, False, True), (1_000_000, 700_000, True, False),
     (700_000, 1_000_000, False, False), (1_000_000, 1_000_000, False, False)],
    ids=["cut", "savings-we-created", "increase", "unchanged"],
)
def test_budget_cut(old, new, savings, found):
    c = make_client()
    a = agency_of(c, interactions=steady(c), budget_changes=[make_budget(c, old, new,
                                                                           savings=savings)])
    assert (codes(a) == ["budget_cut"]) is found
    if found:
        assert "-30%" in signs_of(a)[0].evidence


def _every(c, step, span, kind=K.EMAIL, until=0):
    return [make_interaction(c, kind, ago(d)) for d in range(until, until + span, step)]


def test_silence_flags_a_chatty_client_gone_quiet():
    c = make_client(freq=CallFrequency.NONE)
    log = _every(c, 2, 150, until=20) + make_log(c, K.MONTHLY_REPORT_SENT, 3)
    a = agency_of(c, interactions=log)
    (s,) = [s for s in signs_of(a) if s.code is SignCode.COMM_SILENCE]
    assert "no contact for 20 days; usually every 2 days" in s.evidence
    assert s.since == ago(20)


def test_silence_does_not_flag_a_client_that_is_always_quiet():
    """Same 20-day gap as above: normal for a client who writes every three weeks."""
    c = make_client(freq=CallFrequency.NONE)
    log = _every(c, 21, 400, until=20) + make_log(c, K.MONTHLY_REPORT_SENT, 3)
    a = agency_of(c, interactions=log)
    assert SignCode.COMM_SILENCE not in {s.code for s in signs_of(a)}


def test_silence_needs_enough_history_and_ignores_our_own_reports():
    c = make_client(freq=CallFrequency.NONE)
    log = _every(c, 2, 6, until=20) + _every(c, 3, 30, K.MONTHLY_REPORT_SENT)
    a = agency_of(c, interactions=log)
    assert SignCode.COMM_SILENCE not in {s.code for s in signs_of(a)}


def test_surge_flags_a_quiet_client_suddenly_asking():
    c = make_client(start_date=ago(300))
    log = steady(c) + _every(c, 60, 240, K.QUESTION, until=20) + _every(c, 2, 10, K.QUESTION)
    a = agency_of(c, interactions=log)
    (s,) = [s for s in signs_of(a) if s.code is SignCode.COMM_SURGE]
    assert s.evidence.startswith("5 questions in 14 days")


def test_surge_does_not_flag_a_client_that_always_asks_this_much():
    c = make_client(start_date=ago(300))
    log = steady(c) + _every(c, 3, 250, K.QUESTION)
    a = agency_of(c, interactions=log)
    assert SignCode.COMM_SURGE not in {s.code for s in signs_of(a)}


def test_surge_waits_until_the_client_is_known():
    c = make_client(start_date=ago(20))
    log = steady(c) + _every(c, 2, 10, K.QUESTION)
    a = agency_of(c, interactions=log)
    assert SignCode.COMM_SURGE not in {s.code for s in signs_of(a)}


# --- the signs beyond the five ---------------------------------------------------------


def test_overdue_cadence_is_a_sign_keyed_by_its_deadline():
    c = make_client(freq=CallFrequency.WEEKLY)
    log = make_log(c, K.STATUS_CALL, 10) + make_log(c, K.MONTHLY_REPORT_SENT, 5)
    (s,) = [s for s in signs_of(agency_of(c, interactions=log))
            if s.code is SignCode.OVERDUE_CADENCE]
    assert s.key.endswith(f"status_call:{ago(3)}")
    assert "status call 3 days overdue" in s.evidence


@pytest.mark.parametrize(
    ("roles", "found"),
    [((Role.PM, Role.ANALYST), False), ((Role.OWNER, Role.ANALYST), False), ((Role.PM,), True),
     ((Role.PM, Role.PM), True), ((), True)],
    ids=["pm+analyst", "owner+analyst", "pm-only", "two-pms", "nobody"],
)
def test_thin_coverage(roles, found):
    c = make_client()
    people = [make_member(r) for r in roles]
    a = agency_of(c, team=False, interactions=steady(c), members=people,
                  assignments=[make_assignment(c, p) for p in people])
    assert (SignCode.THIN_COVERAGE in {s.code for s in signs_of(a)}) is found


def test_analyst_over_capacity_flags_the_client_beyond_the_limit():
    clients = [make_client(start_date=ago(300 - i)) for i in range(4)]
    ana, pm = make_member(Role.ANALYST, name="Ana"), make_member(Role.PM)
    assignments = [make_assignment(c, ana, since=ago(100 - 10 * i))
                   for i, c in enumerate(clients)]
    assignments += [make_assignment(c, pm) for c in clients]
    log = [i for c in clients for i in steady(c)]
    a = agency_of(*clients, team=False, members=[ana, pm], assignments=assignments,
                  interactions=log)
    flagged = [c.name for c in clients
               if SignCode.OVER_CAPACITY in {s.code for s in signs_of(a, c)}]
    assert flagged == [clients[3].name]
    (s,) = [s for s in signs_of(a, clients[3]) if s.code is SignCode.OVER_CAPACITY]
    assert s.evidence == "Ana (analyst) covers 4 active clients, limit 3"


def test_capacity_is_a_setting_per_person_and_ignores_inactive_clients():
    clients = [make_client() for _ in range(4)]
    clients[0] = make_client(status=ClientStatus.CHURNED)
    ana = make_member(Role.ANALYST)
    ben = make_member(Role.ANALYST, max_clients=5)
    pm = make_member(Role.PM)
    assignments = [make_assignment(c, p) for c in clients for p in (ana, ben, pm)]
    a = agency_of(*clients, team=False, members=[ana, ben, pm], assignments=assignments)
    assert not any(SignCode.OVER_CAPACITY in {s.code for s in signs_of(a, c)}
                   for c in clients)


@pytest.mark.parametrize(
    ("decided_days_ago", "found"),
    [((80, 40, 2), True), ((40, 2), False), ((120, 40, 2), False), ((10, 5, 3, 1), True)],
    ids=["three-in-90d", "two", "one-too-old", "four"],
)
def test_pattern_of_free_favours(decided_days_ago, found):
    c = make_client()
    crs = [make_request(c, d, ChangeStatus.FAVOUR) for d in decided_days_ago]
    crs.append(make_request(c, 1, ChangeStatus.EXPAND))  # paid work does not count
    a = agency_of(c, interactions=steady(c), change_requests=crs)
    assert (SignCode.FAVOUR_PATTERN in {s.code for s in signs_of(a)}) is found


def test_favour_threshold_is_a_setting():
    c = make_client()
    crs = [make_request(c, d, ChangeStatus.FAVOUR) for d in (10, 5)]
    a = agency_of(c, interactions=steady(c), change_requests=crs)
    assert SignCode.FAVOUR_PATTERN in {s.code for s in signs_of(a, t=Thresholds(
        favour_threshold=2))}


# --- state: acknowledged, resolved; who shows signs ------------------------------------


def test_acknowledged_sign_stays_active_with_its_note_resolved_sign_is_past():
    c = make_client()
    grant = make_access(c)
    key = f"{c.id}:new_access:{grant.id}"
    ack = SignState(id="s1", client_id=c.id, sign_key=key, acknowledged_on=ago(1),
                    acknowledged_by="pat", note="Their new in-house analyst")
    a = agency_of(c, interactions=steady(c), access_grants=[grant], sign_states=[ack])
    (s,) = signs_of(a)
    assert s.acknowledged and not s.resolved and s.state.note == "Their new in-house analyst"
    assert active([s]) == (s,)
    done = SignState(id="s1", client_id=c.id, sign_key=key, resolved_on=ago(0))
    a = agency_of(c, interactions=steady(c), access_grants=[grant], sign_states=[done])
    (s,) = signs_of(a)
    assert s.resolved and active([s]) == ()


def test_a_new_occurrence_is_a_new_sign_after_resolving_the_old():
    c = make_client()
    old, new = make_nps(c, 3, days_ago=60), make_nps(c, 5, days_ago=2)
    done = SignState(id="s1", client_id=c.id, sign_key=f"{c.id}:low_nps:{old.id}",
                     resolved_on=ago(30))
    a = agency_of(c, interactions=steady(c), nps=[old, new], sign_states=[done])
    (s,) = signs_of(a)
    assert s.key.endswith(new.id) and not s.resolved


@pytest.mark.parametrize("status", [ClientStatus.PROSPECT, ClientStatus.CHURNED],
                         ids=["prospect", "churned"])
def test_prospects_and_churned_clients_show_no_signs(status):
    c = make_client(status=status)
    a = agency_of(c, team=False, access_grants=[make_access(c)], nps=[make_nps(c, 2)])
    assert signs_of(a) == ()


def test_healthy_client_has_no_signs():
    c = make_client()
    log = steady(c) + _every(c, 4, 200) + make_log(c, K.QUESTION, 40, 90)
    assert signs_of(agency_of(c, interactions=log, nps=[make_nps(c, 10)])) == ()


def test_every_sign_names_evidence_and_a_response():
    c = make_client()
    a = agency_of(c, team=False, access_grants=[make_access(c)],
                  contact_changes=[make_contact_change(c)], nps=[make_nps(c, 2)],
                  budget_changes=[make_budget(c, 10, 5)])
    for s in signs_of(a):
        assert s.evidence and s.response and s.since <= TODAY + timedelta(days=1)
