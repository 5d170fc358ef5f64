"""The three-way merge: nothing changed by only one side is ever lost."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest
from hypothesis import given, strategies as st

from tests.factories import TODAY, make_client
from tracker.merge import merge, settle
from tracker.models import (
    CadenceSettings,
    CallFrequency,
    ChangeRequest,
    ChangeStatus,
    ClientStatus,
    Contact,
)

BASE = make_client(id="cli_m", name="Cedar Dental", fee_cents=300_000, rev=4,
                   primary_contact=Contact(id="con_1", name="Ann Old"),
                   cadence=CadenceSettings(status_call=CallFrequency.WEEKLY))

text = st.text(min_size=0, max_size=12)
#: A value per field of a client that differs from BASE's (or equals it, sometimes).
EDITS = {
    "name": text, "location": text, "channel_url": text, "comm_rules": text,
    "fee_cents": st.integers(0, 10**9), "remote": st.booleans(),
    "status": st.sampled_from(list(ClientStatus)),
    "primary_contact": st.none() | st.builds(Contact, id=st.just("con_2"), name=text),
    "cadence": st.builds(CadenceSettings, status_call=st.sampled_from(list(CallFrequency)),
                         monthly_report=st.booleans(),
                         visit_min_days=st.integers(1, 60), visit_max_days=st.integers(60, 90)),
}
edits = st.dictionaries(st.sampled_from(sorted(EDITS)), st.none(), max_size=5).flatmap(
    lambda keys: st.fixed_dictionaries({k: EDITS[k] for k in keys}))


def leaves(record, prefix=""):
    """Every (dotted path, value) of a record, nested records flattened."""
    for f in dataclasses.fields(record):
        if f.name == "rev":
            continue
        value = getattr(record, f.name)
        if dataclasses.is_dataclass(value) and not isinstance(value, type) and \
                f.name == "cadence":
            yield from leaves(value, f"{prefix}{f.name}.")
        else:
            yield prefix + f.name, value


@given(edits, edits)
def test_no_field_changed_by_only_one_side_is_ever_lost(my_edits, their_edits):
    mine = replace(BASE, **my_edits)
    theirs = replace(BASE, **their_edits, rev=BASE.rev + 1)
    out = merge(BASE, mine, theirs)
    base, m, t, got = (dict(leaves(r)) for r in (BASE, mine, theirs, out.record))
    clashes = {c.path for c in out.clashes}
    for path in base:
        if path == "contacts":
            continue  # nobody is dropped from it: see the test of every contact below
        if path in clashes or path.split(".")[0] in clashes:
            assert m[path] != base[path] and t[path] != base[path]
            continue
        if m[path] != base[path] and t[path] == base[path]:
            assert got[path] == m[path], path  # mine alone: mine
        elif t[path] != base[path] and m[path] == base[path]:
            assert got[path] == t[path], path  # theirs alone: theirs
        elif m[path] == t[path]:
            assert got[path] == m[path], path  # agreed
    assert out.record.rev == theirs.rev  # saved over the stored version, knowingly
    # choosing every clash one way gives that side there and keeps the rest
    all_mine = dict(leaves(settle(out, clashes)))
    all_theirs = dict(leaves(settle(out, ())))
    for c in out.clashes:
        assert _at(all_mine, c.path) == c.mine and _at(all_theirs, c.path) == c.theirs


def _at(flat, path):
    return flat[path] if path in flat else {k: v for k, v in flat.items()
                                            if k.startswith(path + ".")}


def test_the_seen_case_a_fee_edit_keeps_a_new_main_contact():
    """Fee edited in a form while someone recorded a new main contact: both survive."""
    mine = replace(BASE, fee_cents=340_000)
    theirs = replace(BASE, primary_contact=Contact(id="con_9", name="Zoe Park"), rev=5)
    out = merge(BASE, mine, theirs)
    assert out.clashes == () and out.mine == ("fee_cents",)
    assert out.theirs == ("primary_contact",)
    assert out.record.fee_cents == 340_000 and out.record.primary_contact.name == "Zoe Park"


def test_nested_records_merge_field_by_field():
    mine = replace(BASE, cadence=replace(BASE.cadence, status_call=CallFrequency.BIWEEKLY))
    theirs = replace(BASE, cadence=replace(BASE.cadence, visit_max_days=70), rev=5)
    out = merge(BASE, mine, theirs)
    assert out.clashes == () and out.mine == ("cadence.status_call",)
    assert (out.record.cadence.status_call, out.record.cadence.visit_max_days) == (
        CallFrequency.BIWEEKLY, 70)


def test_only_fields_both_changed_differently_clash_and_the_person_chooses():
    mine = replace(BASE, fee_cents=340_000, name="Cedar Dental Group")
    theirs = replace(BASE, fee_cents=300_500, location="Leeds", rev=5)
    out = merge(BASE, mine, theirs)
    assert [(c.path, c.mine, c.theirs) for c in out.clashes] == [
        ("fee_cents", 340_000, 300_500)]
    assert out.record.fee_cents == 300_500  # theirs until chosen
    assert (out.record.name, out.record.location) == ("Cedar Dental Group", "Leeds")
    assert settle(out, {"fee_cents"}).fee_cents == 340_000
    with pytest.raises(KeyError, match="not a clash: name"):
        settle(out, {"name"})


def test_every_record_type_merges():
    base = ChangeRequest(id="chg_1", client_id="cli_m", requested_on=TODAY,
                         requested_by="Ann", description="Landing page", rev=2)
    mine = replace(base, fee_cents=120_000)
    theirs = replace(base, status=ChangeStatus.FOCUS, reason="later", rev=3)
    out = merge(base, mine, theirs)
    assert (out.record.fee_cents, out.record.status, out.record.rev) == (
        120_000, ChangeStatus.FOCUS, 3)
    with pytest.raises(TypeError):
        merge(base, mine, BASE)


def test_no_person_is_lost_when_both_change_the_main_contact():
    """Mine corrects the main contact's name; theirs records a new main contact (the old
    one moves to the list). Whichever main contact is chosen, the other person stays."""
    dana = Contact(id="con_d", name="Dana", title="CMO")
    base = replace(BASE, primary_contact=dana, contacts=())
    mine = replace(base, primary_contact=replace(dana, name="Dana Smith"))
    eve = Contact(id="con_e", name="Eve Park", title="COO")
    theirs = replace(base, primary_contact=eve, contacts=(dana,), rev=5)
    out = merge(base, mine, theirs)
    assert [c.path for c in out.clashes] == ["primary_contact"]
    for keep in ({"primary_contact"}, set()):
        got = settle(out, keep)
        people = [got.primary_contact, *got.contacts]
        ids = [p.id for p in people]
        assert sorted(set(ids)) == ["con_d", "con_e"] and len(ids) == 2  # both, once each
    assert settle(out, {"primary_contact"}).primary_contact.name == "Dana Smith"


@given(edits, edits)
def test_every_contact_of_any_version_survives_a_merge(my_edits, their_edits):
    mine = replace(BASE, **my_edits)
    theirs = replace(BASE, **their_edits, rev=BASE.rev + 1)
    out = merge(BASE, mine, theirs)
    for keep in ({c.path for c in out.clashes}, set()):
        got = settle(out, keep)
        have = {c.id for c in (got.primary_contact, *got.contacts) if c is not None}
        for v in (BASE, mine, theirs):
            assert {c.id for c in (v.primary_contact, *v.contacts) if c is not None} <= have
