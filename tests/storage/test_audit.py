"""The audit trail: every change with who, when, which record and which fields, old -> new;
it outlives compaction, is never written twice, and every backup keeps a copy."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from storage.audit import audit_path
from storage.engine.settings import Settings
from storage.repositories import Store
from storage.workspace import Workspace
from tests.factories import TODAY, make_client
from tests.sealed import sealed_env
from tracker.decisions import ScopeDraft
from tracker.models import ChangeStatus, InteractionKind


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "agency.json"


def ws(path: Path, user: str, **settings) -> Workspace:
    return Workspace(path, user=user, clock=lambda: TODAY, settings=Settings(**settings))


def ops(entries):
    return [(e.by, e.op, e.table, {c.field: (c.old, c.new) for c in e.changes})
            for e in entries]


def test_create_edit_decide_delete_each_leave_an_entry(path):
    priya, ben = ws(path, "priya"), ws(path, "ben")
    acme = priya.act.save(make_client(id="cli_acme", name="Acme", fee_cents=500_000))
    acme = ben.act.save(replace(ben.store.clients.get(acme.id), fee_cents=600_000, name="Acme Co"))
    cr = priya.act.new_request(acme, "Spanish landing page", fee_cents=120_000)
    ben.act.expand(ben.store.clients.get(acme.id), ben.store.change_requests.get(cr.id),
                   [ScopeDraft(title="Spanish landing page", fee_cents=120_000)])
    member = priya.act.save(__import__("tests.factories", fromlist=["make_member"]).make_member(
        id="mem_1", name="Ana"))
    assignment = priya.act.assign(priya.store.clients.get(acme.id), member)
    priya.act.unassign(priya.store.assignments.get(assignment.id))

    trail = priya.store.db.history("cli_acme")
    got = ops(trail)
    assert got[0][:3] == ("priya", "create", "clients")
    assert got[0][3]["name"] == (None, "Acme") and got[0][3]["fee_cents"] == (None, 500_000)
    assert got[1] == ("ben", "update", "clients",
                      {"name": ("Acme", "Acme Co"), "fee_cents": (500_000, 600_000)})
    assert got[2][:3] == ("priya", "create", "change_requests")
    decided = [g for g in got if g[0] == "ben" and g[2] == "change_requests"]
    assert decided[0][3]["status"] == ("pending", "expand")
    assert decided[0][3]["decided_by"] == ("", "ben")
    assert any(g[:3] == ("ben", "update", "clients") and g[3]["fee_cents"] == (600_000, 720_000)
               for g in got)
    assert any(g[:3] == ("ben", "create", "scope_items") for g in got)
    assert [g[:3] for g in got[-2:]] == [("priya", "create", "assignments"),
                                        ("priya", "delete", "assignments")]
    assert got[-1][3]["member_id"] == ("mem_1", None)
    assert all(e.at.endswith("Z") and e.seq > 0 for e in trail)
    assert [e.seq for e in trail] == sorted(e.seq for e in trail)


def test_the_trail_outlives_compaction_and_is_never_doubled(path):
    w = ws(path, "priya", compact_entries=3)
    acme = w.act.save(make_client(id="cli_acme", name="Acme"))
    for n in range(7):  # several compactions
        w.act.log(acme, InteractionKind.EMAIL, TODAY, note=f"mail {n}")
    trail = w.store.db.history("cli_acme")
    notes = [dict((c.field, c.new) for c in e.changes).get("notes") for e in trail
             if e.table == "interactions"]
    assert notes == [f"mail {n}" for n in range(7)]
    assert len({e.seq for e in trail}) == len({(e.seq, e.record_id) for e in trail})
    raw = audit_path(path).read_bytes().splitlines()
    assert len(raw) == len(set(raw))  # each line once
    w.store.compact()  # folds what the journal still held
    folded = audit_path(path).read_bytes().splitlines()
    assert folded[: len(raw)] == raw and len(folded) == 8  # 1 client + 7 interactions
    w.store.compact()  # again: nothing new to add
    assert audit_path(path).read_bytes().splitlines() == folded
    assert len(w.store.db.history("cli_acme")) == len(trail)


def test_backups_keep_a_copy_of_the_trail_and_replacing_everything_is_recorded(path):
    w = ws(path, "priya")
    acme = w.act.save(make_client(id="cli_acme", name="Acme"))
    w.act.log(acme, InteractionKind.EMAIL, TODAY)
    w.store.compact()
    (backup,) = sorted((path.parent / "backups").glob("*.json"))[-1:]
    copy = backup.with_name(backup.name + ".audit")
    assert copy.read_bytes() == audit_path(path).read_bytes()
    w.load_demo(force=True)
    last = w.store.db.history()[-1]
    assert (last.op, last.by) == ("replace_all", "priya")


def test_two_processes_saving_at_once_all_appear_in_the_trail(path):
    w = ws(path, "setup", compact_entries=25)
    w.act.save(make_client(id="cli_acme", name="Acme"))
    code = (
        "import sys\n"
        "from storage.workspace import Workspace\n"
        "from storage.engine.settings import Settings\n"
        "from tests.factories import TODAY\n"
        "from tracker.models import InteractionKind\n"
        "w = Workspace(sys.argv[1], user=sys.argv[2], clock=lambda: TODAY,\n"
        "              settings=Settings(compact_entries=25))\n"
        "c = w.store.clients.get('cli_acme')\n"
        "for n in range(40):\n"
        "    w.log(c, InteractionKind.EMAIL, TODAY, f'{sys.argv[2]} {n}')\n"
    )
    root = Path(__file__).resolve().parents[2]
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path), who], cwd=root,
                              env=sealed_env(PYTHONPATH=str(root)))
             for who in ("ana", "ben")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    trail = Store(path).db.history("cli_acme")
    made = sorted((e.by, dict((c.field, c.new) for c in e.changes)["notes"]) for e in trail
                  if e.op == "create" and e.table == "interactions")
    assert made == sorted((who, f"{who} {n}") for who in ("ana", "ben") for n in range(40))


def test_status_of_a_request_named_in_a_decided_entry_is_plain_data(path):
    w = ws(path, "priya")
    acme = w.act.save(make_client(id="cli_acme", name="Acme"))
    cr = w.act.new_request(acme, "Extra page")
    w.act.stay_focused(cr, "finish first")
    (entry,) = [e for e in w.store.db.history("cli_acme")
                if e.op == "update" and e.table == "change_requests"]
    changes = {c.field: (c.old, c.new) for c in entry.changes}
    assert changes["status"] == ("pending", ChangeStatus.FOCUS.value)
    assert changes["decided_on"] == (None, TODAY.isoformat())
