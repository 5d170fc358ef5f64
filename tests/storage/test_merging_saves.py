"""Saves over someone else's save meanwhile: merged field by field, for every record type
and for the command line, with real files; only a true clash waits for a choice."""

from __future__ import annotations

import dataclasses
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from storage.actions import Unmerged
from storage.errors import Conflict
from storage.workspace import Workspace
from tests.cli.test_commands import BIN
from tests.factories import TODAY
from tests.ui.helpers import demo_file
from tracker.models import Agency, ContactChange

#: Per record type, a field a second person may change meanwhile and its new value, then
#: another field for the first person (None: the type has only one such field).
EDITS = {
    "clients": (("location", "Leeds"), ("comm_rules", "Fridays")),
    "members": (("name", "Ben Renamed"), ("login", "ana2")),
    "assignments": (("since", TODAY), None),
    "scope_items": (("deliverable", "A deck"), ("success_metric", "+10% leads")),
    "change_requests": (("reason", "later"), ("requested_by", "Ann")),
    "interactions": (("notes", "called back"), ("author", "ana")),
    "nps": (("comment", "better now"), ("score", 9)),
    "budget_changes": (("reason", "new year"), ("savings_we_created", True)),
    "access_grants": (("account", "Meta Ads"), ("who", "someone@else.com")),
    "contact_changes": (("old_name", "Ann Old"), ("new_name", "Ned New")),
    "sign_states": (("note", "called them"), ("acknowledged_by", "ana")),
    "snoozes": (("by", "ben"), ("until", TODAY + timedelta(days=9))),
    "activities": (("result", "+12% CTR"), ("title", "Headline test")),
}

def ws(db: Path, user: str) -> Workspace:
    return Workspace(db, user=user, clock=lambda: TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_file(tmp_path_factory.mktemp("merge") / "agency.json")


@pytest.mark.parametrize("table", [f.name for f in dataclasses.fields(Agency)])
def test_every_record_type_merges_changes_to_different_fields(demo, tmp_path, table):
    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    mine_ws, theirs_ws = ws(db, "ana"), ws(db, "ben")
    if table == "snoozes":  # the demo has none
        mine_ws.act.snooze("cli_x:visit", TODAY + timedelta(days=3))
    record = getattr(mine_ws.store.load_agency(), table)[0]
    (first, ben), second = EDITS[table]
    theirs = theirs_ws.act.save(replace(record, **{first: ben}), base=record)
    if second is not None:
        saved = mine_ws.act.save(replace(record, **dict([second])), base=record)
        assert (getattr(saved, first), getattr(saved, second[0])) == (ben, second[1])
    else:  # one field only: both changing it is a clash, never a silent overwrite
        mine = replace(record, **{first: TODAY - timedelta(days=1)})
        with pytest.raises(Unmerged) as e:
            mine_ws.act.save(mine, base=record)
        assert [c.path for c in e.value.merged.clashes] == [first]
        assert e.value.by == "ben"
        saved = mine_ws.act.settle(e.value, {first})[0]
        assert getattr(saved, first) == getattr(mine, first)
    assert saved.rev == theirs.rev + 1


def test_a_save_without_its_base_still_refuses_to_overwrite(demo, tmp_path):
    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    client = ws(db, "ana").find_client("Lumen")
    ws(db, "ben").act.save(replace(client, location="Leeds"), base=client)
    with pytest.raises(Conflict):
        ws(db, "ana").act.save(replace(client, location="York"))  # no base: no guessing


def test_a_command_line_save_never_overwrites_fields_it_did_not_set(demo, tmp_path):
    """`scopekeeper contact` changes the main contact only: a fee saved meanwhile stays."""
    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    cli = ws(db, "ana")
    stale = cli.find_client("Lumen")  # what the command read
    ws(db, "ben").act.save(replace(stale, fee_cents=777_700), base=stale)
    cli.act.contact_change(stale, "Zoe Park", "CMO")  # saved from the stale copy
    now = ws(db, "x").find_client("Lumen")
    assert (now.fee_cents, now.primary_contact.name) == (777_700, "Zoe Park")
    assert [c.new_name for c in ws(db, "x").store.contact_changes.all()
            if c.client_id == now.id][-1] == "Zoe Park"


def test_a_clash_inside_a_larger_save_keeps_the_rest_of_it(demo, tmp_path):
    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    cli = ws(db, "ana")
    stale = cli.find_client("Lumen")
    ws(db, "ben").act.contact_change(stale, "Bea Other")
    with pytest.raises(Unmerged) as e:
        cli.act.contact_change(stale, "Zoe Park")  # both changed the main contact
    assert [c.path for c in e.value.merged.clashes] == ["primary_contact"]
    assert [type(r) for r in e.value.others] == [ContactChange]
    cli.act.settle(e.value, {"primary_contact"})
    now = ws(db, "x").find_client("Lumen")
    assert now.primary_contact.name == "Zoe Park"
    changes = [c.new_name for c in ws(db, "x").store.contact_changes.all()
               if c.client_id == now.id]
    assert changes[-2:] == ["Bea Other", "Zoe Park"]  # the record of my change was kept too


def test_the_contact_command_merges_over_a_concurrent_edit(demo, tmp_path):
    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    out = subprocess.run([str(BIN), "contact", "Lumen", "Zoe Park", "--db", str(db)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    history = ws(db, "x").store.db.history(ws(db, "x").find_client("Lumen").id)
    changed = {c.field for c in history[-1].changes if history[-1].table == "clients"}
    assert changed <= {"primary_contact", "contacts"}  # the command wrote only those


def test_a_decision_is_made_on_the_fee_and_request_as_stored_now(demo, tmp_path):
    from tracker.decisions import DecisionError, ScopeDraft
    from tracker.models import ChangeStatus

    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    me = ws(db, "ana")
    agency = me.store.load_agency()
    cr = next(r for r in agency.change_requests if r.status is ChangeStatus.PENDING)
    stale = next(c for c in agency.clients if c.id == cr.client_id)
    ws(db, "ben").act.save(replace(stale, fee_cents=stale.fee_cents + 50_000), base=stale)
    out = me.act.expand(stale, cr, [ScopeDraft(title="Landing page", fee_cents=120_000)])
    assert out.client.fee_cents == stale.fee_cents + 50_000 + 120_000  # on Ben's fee
    other = next(r for r in agency.change_requests if r.status is ChangeStatus.PENDING
                 and r.id != cr.id)
    ws(db, "ben").act.small_favour(other)
    with pytest.raises(DecisionError, match="already decided"):
        me.act.stay_focused(other, "after launch")  # Ben decided it meanwhile
