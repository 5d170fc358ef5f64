"""A client's timeline: newest first, also within one day (the one logged last on top, the
interactions above the other kinds), each entry saying what happened in words."""

from __future__ import annotations

from dataclasses import replace

from tests.factories import (
    TODAY,
    ago,
    make_access,
    make_budget,
    make_client,
    make_contact_change,
    make_interaction,
    make_nps,
    make_request,
)
from tracker.history import ClientHistory
from tracker.models import Activity, InteractionKind, Outcome
from tracker.timeline import logged, timeline

CLIENT = make_client(currency="USD")
K = InteractionKind


def history(**logs):
    return ClientHistory(client=CLIENT, **{k: tuple(v) for k, v in logs.items()})


def test_days_are_newest_first():
    calls = [make_interaction(CLIENT, K.STATUS_CALL, ago(d)) for d in (9, 1, 5)]
    assert [e.on for e in timeline(history(interactions=sorted(calls, key=lambda i: i.on)))] \
        == [ago(1), ago(5), ago(9)]


def test_of_one_day_the_entry_logged_last_is_on_top_whatever_its_id():
    # ids in the opposite order of logging: the ids must not decide
    emails = [make_interaction(CLIENT, K.EMAIL, TODAY, id=f"int_{9 - n}", notes=f"email {n}")
              for n in range(4)]
    assert [e.detail for e in timeline(history(interactions=emails))] \
        == ["email 3", "email 2", "email 1", "email 0"]


def test_of_one_day_interactions_come_above_the_other_kinds():
    call = make_interaction(CLIENT, K.STATUS_CALL, ago(2), author="pat", notes="weekly")
    entries = timeline(history(interactions=[call], nps=[make_nps(CLIENT, 9, days_ago=2)],
                               access_grants=[make_access(CLIENT, days_ago=2)],
                               change_requests=[make_request(CLIENT, days_ago=2)]))
    assert [e.kind for e in entries] == ["status call", "change request", "access granted",
                                         "NPS response"]


def test_each_kind_of_entry_in_words():
    cut = replace(make_budget(CLIENT, 700_000, 500_000, days_ago=1), reason="new CFO")
    test = Activity(id="act_1", client_id=CLIENT.id, on=ago(2), title="New headline",
                    test=True, result="+4% CTR", outcome=Outcome.WIN)
    entries = timeline(history(
        budget_changes=[cut], activities=[test],
        nps=[make_nps(CLIENT, 6, days_ago=3)],
        contact_changes=[make_contact_change(CLIENT, days_ago=4)],
        change_requests=[make_request(CLIENT, days_ago=5, description="Add a blog")]))
    assert [(e.id, e.kind, e.by, e.detail) for e in entries] == [
        (cut.id, "budget change", "", "$7,000 -> $5,000 new CFO"),
        ("act_1", "test", "", "New headline: +4% CTR (win)"),
        (entries[2].id, "NPS response", "", "6/10"),
        (entries[3].id, "main contact change", "", "Ann Old -> Ned New"),
        (entries[4].id, "change request", "Client", "Add a blog"),
    ]


def test_the_entry_under_the_cursor_is_found_unless_it_is_a_change_request():
    call = make_interaction(CLIENT, K.STATUS_CALL, ago(1))
    request = make_request(CLIENT)
    h = history(interactions=[call], change_requests=[request])
    assert logged(h, call.id) == call
    assert logged(h, request.id) is None
    assert {e.id for e in timeline(h)} == {call.id, request.id}
