"""The rules of what a person does to the records (tracker/attention.py, roster.py,
entries.py): what is refused, with what words, and what is saved."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from tests.factories import (
    TODAY,
    ago,
    make_assignment,
    make_client,
    make_interaction,
    make_member,
    make_request,
)
from tracker import attention, entries, roster
from tracker.codes import SignCode
from tracker.errors import ValidationError
from tracker.models import Contact, InteractionKind, SignState, Snooze
from tracker.warning_signs import Severity, Sign


def ids():
    counter = itertools.count(1)
    return lambda kind: f"{kind}_{next(counter)}"


def sign(client_id="cli_1", state=None):
    return Sign(key=f"{client_id}:low_nps:2026-11-20", client_id=client_id,
                code=SignCode.LOW_NPS, severity=Severity.WARNING, since=ago(3),
                evidence="NPS 4", response="call them", state=state)


# --- warning signs and snoozes ---------------------------------------------------------

@pytest.mark.parametrize("note", ["", "   \n"], ids=["empty", "blank"])
def test_acknowledging_a_sign_needs_a_note_saying_what_was_done(note):
    state = attention.sign_state(sign(), (), ids())
    with pytest.raises(ValidationError, match=r"^note: say what was done about it$"):
        attention.acknowledge(state, note, TODAY, "pat")


def test_an_acknowledgement_says_who_when_and_what_on_the_state_kept_for_the_sign():
    s = sign()
    kept = SignState(id="sst_9", client_id=s.client_id, sign_key=s.key, rev=2)
    state = attention.sign_state(s, [SignState(id="x", client_id="c", sign_key="other"), kept],
                                 ids())
    done = attention.acknowledge(state, "  called Ann  ", TODAY, "pat")
    assert (done.id, done.rev) == ("sst_9", 2)  # the stored record, updated
    assert (done.acknowledged_on, done.acknowledged_by, done.note) == (TODAY, "pat",
                                                                      "called Ann")


def test_a_sign_never_handled_gets_a_fresh_state_with_a_new_id():
    state = attention.sign_state(sign(), (), ids())
    assert (state.id, state.client_id, state.rev) == ("SignState_1", "cli_1", 0)


def test_resolving_adds_the_note_under_what_was_noted_before():
    state = SignState(id="s", client_id="c", sign_key="k", note="called Ann")
    done = attention.resolve(state, " fixed the tracking ", TODAY, "lee")
    assert (done.resolved_on, done.resolved_by) == (TODAY, "lee")
    assert done.note == "called Ann\nfixed the tracking"
    assert attention.resolve(state, "", TODAY, "lee").note == "called Ann"


@pytest.mark.parametrize("until", [TODAY, ago(1)], ids=["today", "yesterday"])
def test_a_snooze_must_end_after_today(until):
    with pytest.raises(ValidationError, match=r"^until: must be after today$"):
        attention.snooze(None, "item", until, TODAY, "pat", ids())


def test_snoozing_an_item_again_moves_its_snooze_instead_of_adding_one():
    kept = Snooze(id="snz_1", item_key="item", until=ago(-3), by="lee", rev=1)
    found = attention.snoozed([Snooze(id="snz_2", item_key="other", until=ago(-1)), kept],
                              "item")
    assert found is kept
    moved = attention.snooze(found, "item", ago(-7), TODAY, "pat", ids())
    assert (moved.id, moved.until, moved.by) == ("snz_1", ago(-7), "pat")
    new = attention.snooze(None, "item", ago(-7), TODAY, "pat", ids())
    assert (new.id, new.item_key, new.rev) == ("Snooze_1", "item", 0)


# --- clients and the team ----------------------------------------------------------------

def test_a_client_whose_name_cannot_be_told_apart_is_refused():
    pine = make_client(name="Pinecrest Realty")
    with pytest.raises(ValidationError, match=r"'Pinecrest Realty' .* is already a client"):
        roster.check_client_name(make_client(name="pinecrest  realty"), [pine])
    roster.check_client_name(replace(pine, fee_cents=1), [pine])  # itself, saved again


def test_a_second_member_of_the_same_login_is_refused():
    ann = make_member(name="Ann", login="ann")
    with pytest.raises(ValidationError, match=r"^name: Ann already has the login 'ann'$"):
        roster.check_member_name(make_member(name="Annie", login="ann"), [ann])


def test_a_new_main_contact_passes_the_old_one_to_the_contacts_and_records_the_change():
    c = make_client(primary_contact=Contact(id="con_1", name="Ann Old"),
                    contacts=(Contact(id="con_2", name="Bo"),))
    updated, change = roster.contact_change(c, "Ned New", "CMO", ago(2), ids())
    assert updated.primary_contact == Contact(id="Contact_1", name="Ned New", title="CMO")
    assert [x.name for x in updated.contacts] == ["Ann Old", "Bo"]
    assert change is not None
    assert (change.client_id, change.on, change.old_name, change.new_name) == (
        c.id, ago(2), "Ann Old", "Ned New")


def test_the_first_main_contact_is_simply_set_no_change_is_recorded():
    updated, change = roster.contact_change(make_client(), "Ned New", "", TODAY, ids())
    assert change is None and updated.primary_contact is not None and updated.contacts == ()


def test_covering_a_client_twice_is_refused():
    c, m = make_client(name="Acme"), make_member(name="Ann")
    a = roster.assignment(c, m, [], TODAY, ids())
    assert (a.client_id, a.member_id, a.since) == (c.id, m.id, TODAY)
    with pytest.raises(ValidationError, match=r"^member: Ann already covers Acme$"):
        roster.assignment(c, m, [a], TODAY, ids())


def test_a_person_leaving_takes_only_their_own_assignments():
    c, ann, bo = make_client(), make_member(), make_member()
    mine, theirs = make_assignment(c, ann), make_assignment(c, bo)
    assert roster.leaving(ann, [mine, theirs]) == [mine]


# --- documents sent ----------------------------------------------------------------------

def test_an_empty_document_is_not_kept():
    with pytest.raises(ValidationError, match=r"^document: is empty$"):
        entries.kept_document(make_request(make_client()), "change_order", " \n", TODAY)


def test_the_same_document_marked_sent_again_the_same_day_changes_nothing():
    cr = make_request(make_client())
    kept = entries.kept_document(cr, "change_order", "Dear Ann", TODAY)
    assert (kept.document_kind, kept.document, kept.document_on) == (
        "change_order", "Dear Ann", TODAY)
    assert entries.kept_document(kept, "change_order", "Dear Ann", TODAY) is kept
    assert entries.kept_document(kept, "change_order", "Dear Ann", ago(-1)) is not kept


def test_a_call_summary_already_logged_today_is_found_not_logged_twice():
    c = make_client()
    sent = make_interaction(c, InteractionKind.CALL_SUMMARY_SENT, TODAY, notes="Summary")
    old = make_interaction(c, InteractionKind.CALL_SUMMARY_SENT, ago(1), notes="Summary")
    assert entries.summary_logged([old, sent], c, "Summary", TODAY) is sent
    assert entries.summary_logged([old], c, "Summary", TODAY) is None
    assert entries.summary_logged([sent], c, "Another", TODAY) is None
