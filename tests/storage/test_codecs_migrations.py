from __future__ import annotations

import copy

import pytest
from hypothesis import given, strategies as st

from storage.codecs import DecodeError, decode, decode_fast, encode
from storage.engine.migrations import migrate, migrate_1_to_2, migrate_2_to_3
from tests.storage.test_repositories import ONE_OF_EACH
from tracker.models import ChangeRequest, Client, Interaction

V1 = {
    "_meta": {"1": {"format": "scopekeeper", "schema": 1}},
    "clients": {"1": {"id": "cli_1", "name": "Old Co", "start_date": "2025-01-01"}},
    "nps": {"4": {"id": "nps_1", "client_id": "cli_1", "on": "2026-01-01", "score": 9}},
    "custom": {"1": {"keep": "me"}},
}


def test_migration_1_to_2_adds_revisions_and_sequence_without_touching_the_input():
    before = copy.deepcopy(V1)
    out = migrate_1_to_2(V1)
    assert before == V1
    assert out["_meta"]["1"] == {"format": "scopekeeper", "schema": 2, "seq": 0}
    assert out["clients"]["1"]["rev"] == 1 and out["nps"]["4"]["rev"] == 1
    assert out["custom"] == {"1": {"keep": "me"}}  # tables it does not know are left alone
    assert decode(Client, out["clients"]["1"]).rev == 1


def test_migration_2_to_3_adds_activities_and_request_documents():
    v2 = migrate_1_to_2(V1)
    v2["change_requests"] = {"7": {
        "id": "chg_1", "client_id": "cli_1", "requested_on": "2026-01-02", "requested_by": "A",
        "description": "Extra page", "estimated_hours": 2.0, "fee_cents": 0,
        "status": "pending", "decided_on": None, "decided_by": "", "reason": "",
        "scope_item_ids": [], "rev": 3}}
    before = copy.deepcopy(v2)
    out = migrate_2_to_3(v2)
    assert before == v2
    assert out["_meta"]["1"]["schema"] == 3 and out["activities"] == {}
    cr = decode_fast(ChangeRequest, out["change_requests"]["7"])
    assert (cr.document_kind, cr.document, cr.document_on, cr.rev) == ("", "", None, 3)
    assert migrate(V1, 1, 3) == migrate_2_to_3(migrate_1_to_2(V1))


def test_migration_3_to_4_makes_old_fees_monthly_and_calls_without_attendees():
    from storage.engine.migrations import migrate_3_to_4
    from tracker.models import FeeKind

    v3 = migrate(V1, 1, 3)
    v3["change_requests"] = {"7": {
        "id": "chg_1", "client_id": "cli_1", "requested_on": "2026-01-02", "requested_by": "A",
        "description": "Extra page", "estimated_hours": 2.0, "fee_cents": 120000,
        "status": "pending", "decided_on": None, "decided_by": "", "reason": "",
        "scope_item_ids": [], "document_kind": "", "document": "", "document_on": None,
        "rev": 3}}
    v3["interactions"] = {"1": {"id": "int_1", "client_id": "cli_1", "kind": "status_call",
                                "on": "2026-01-05", "author": "", "notes": "", "rev": 1}}
    before = copy.deepcopy(v3)
    out = migrate_3_to_4(v3)
    assert before == v3 and out["_meta"]["1"]["schema"] == 4
    cr = decode_fast(ChangeRequest, out["change_requests"]["7"])
    assert (cr.fee_cents, cr.fee_kind) == (120_000, FeeKind.MONTHLY)  # as it was counted
    call = decode_fast(Interaction, out["interactions"]["1"])
    assert (call.attendees_ours, call.attendees_theirs) == ((), ())
    assert migrate(V1, 1, 4) == migrate_3_to_4(migrate_2_to_3(migrate_1_to_2(V1)))


def test_migrate_applies_each_step_once():
    assert migrate(V1, 1, 2) == migrate_1_to_2(V1)
    assert migrate(V1, 2, 2) == V1


@pytest.mark.parametrize("record", ONE_OF_EACH, ids=lambda r: type(r).__name__)
def test_fast_decoder_agrees_with_the_checking_one(record):
    doc = encode(record)
    assert decode_fast(type(record), doc) == decode(type(record), doc) == record


values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                   st.text(max_size=5), st.sampled_from(["email", "2026-01-02", "active"]),
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2),
                                                                         st.integers(), max_size=2))
base = encode(ONE_OF_EACH[0])


@given(field=st.sampled_from([*base, "extra"]), value=values, drop=st.booleans())
def test_fast_decoder_gives_the_same_error_or_value_on_any_document(field, value, drop):
    doc = dict(base)
    if drop:
        doc.pop(field, None)
    else:
        doc[field] = value
    try:
        expected = decode(Client, doc)
    except DecodeError as e:
        with pytest.raises(DecodeError) as got:
            decode_fast(Client, doc)
        assert str(got.value) == str(e)
    else:
        assert decode_fast(Client, doc) == expected


def test_interaction_documents_with_every_field_take_the_fast_path():
    doc = {"id": "i", "client_id": "c", "kind": "email", "on": "2026-11-23", "author": "a",
           "notes": "n", "rev": 3}
    assert decode_fast(Interaction, doc).rev == 3
    with pytest.raises(DecodeError, match="kind: expected one of"):
        decode_fast(Interaction, {**doc, "kind": "fax"})
