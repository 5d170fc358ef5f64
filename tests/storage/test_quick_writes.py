"""A quick write (``scopekeeper log``, ``nps``…) into a data file the engine wrote reads only
the tables it touches (``storage/engine/memory.py``); every guarantee of a full read still
holds on that path. Real files, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage.engine import journal
from storage.engine.settings import Settings
from storage.errors import Conflict
from storage.files import identity, journal_of
from storage.repositories import Store
from tests.factories import TODAY, ago, make_client, make_interaction
from tracker.models import Interaction

BIN = Path(sys.executable).parent / "scopekeeper"
ROOT = Path(__file__).resolve().parents[2]
CLIENT = make_client(id="cli_north", name="Northwind Outdoor")
#: what the data file holds to begin with: interaction ``int_q0000`` … ``int_q0199``
OLD = [make_interaction(CLIENT, "email", ago(n % 300), id=f"int_q{n:04d}", notes=f"old {n}")
       for n in range(200)]


def sk(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args, "--db", str(db)], capture_output=True, text=True,
                          timeout=120)


def other_process(db: Path, code: str) -> None:
    """Someone else, in a process of their own, with ``store`` open on ``db``."""
    subprocess.run([sys.executable, "-c", "from dataclasses import replace\n"
                    "from storage.repositories import Store\n"
                    f"store = Store({str(db)!r}, author='theirs')\n{code}"],
                   cwd=ROOT, check=True, timeout=120)


def read_partly(db: Path) -> bool:
    """Whether ``db`` is a data file the quick path reads partly (its journal vouches for
    it): the precondition of every test here."""
    vouched = journal.base_of(journal_of(db))
    return vouched is not None and vouched[0] == identity(db)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "agency.json"
    store = Store(path)
    store.save([CLIENT, *OLD])
    store.compact()
    assert read_partly(path)
    return path


def files(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}


def test_a_quick_log_loses_nothing_and_the_trail_and_compaction_keep_it(db):
    out = sk("log", "Northwind Outdoor", "--kind", "status_call", "--note", "quick", db=db)
    assert out.returncode == 0, out.stderr
    stored = Store(db).interactions.all()
    assert {i.notes for i in stored} == {f"old {n}" for n in range(200)} | {"quick"}
    new = next(i for i in stored if i.notes == "quick")
    assert new.rev == 1 and new.on == TODAY
    last = Store(db).history(CLIENT.id)[-1]
    assert (last.record_id, last.op) == (new.id, "create")
    Store(db).compact()
    assert len(TinyDB(db).table("interactions")) == 201  # stock TinyDB reads it all


@pytest.mark.parametrize(("table", "was", "now", "said"), [
    pytest.param("clients", b'"start_date":"', b'"start_date":"x', "'clients'",
                 id="a-client-edited-by-hand"),
    pytest.param("interactions", b'"kind":"email"', b'"kind":"emaiX"', "'interactions'",
                 id="an-interaction-rotted-in-place"),
    pytest.param("interactions", b'"rev":1}', b'"rev":1 ', "not valid JSON",
                 id="bad-json-rotted-in-place"),
])
def test_a_quick_write_into_a_damaged_file_is_refused_and_writes_nothing(db, table, was, now,
                                                                         said):
    """Damage anywhere, even in a table the write does not touch, and even when the file
    kept its size and time (bit rot): refused as a full read refuses it."""
    raw = db.read_bytes()
    st = db.stat()
    at = raw.index(was, raw.index(f'"{table}":'.encode()))
    if len(now) != len(was):  # an edit by hand: another size, a new time
        db.write_bytes(raw[:at] + now + raw[at + len(was):])
    else:  # rot: the same file, size and time
        with open(db, "r+b") as f:
            f.seek(at)
            f.write(now)
        os.utime(db, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert read_partly(db)  # by its identity, the file the journal vouches for
    before = files(db)
    out = sk("log", "Northwind Outdoor", "--kind", "email", db=db)
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert said in out.stderr
    assert files(db) == before


def test_a_stale_save_of_an_interaction_never_read_is_a_conflict(db):
    mine = Store(db)  # opened before they save: nothing of the interactions read yet
    other_process(db, "i = store.interactions.get('int_q0005')\n"
                      "store.interactions.save(replace(i, notes='theirs'))\n"
                      "store.interactions.delete('int_q0006')")
    journal_before = journal_of(db).read_bytes()
    with pytest.raises(Conflict) as edited:
        mine.interactions.save(replace(OLD[5], rev=1, notes="mine"))
    assert edited.value.theirs is not None and edited.value.theirs.notes == "theirs"
    assert edited.value.theirs.rev == 2
    with pytest.raises(Conflict) as deleted:
        mine.interactions.save(replace(OLD[6], rev=1, notes="mine"))
    assert deleted.value.theirs is None
    with pytest.raises(Conflict) as taken:  # a new record with an id stored in the file
        mine.interactions.save(replace(OLD[9], notes="mine"))
    assert taken.value.theirs == replace(OLD[9], rev=1)
    assert journal_of(db).read_bytes() == journal_before
    everything = {i.id: i for i in Store(db).interactions.all()}
    assert everything["int_q0005"].notes == "theirs" and "int_q0006" not in everything


def test_an_update_on_the_quick_path_keeps_the_old_values_in_the_trail(db):
    store = Store(db, author="me")
    store.interactions.save(replace(OLD[3], rev=1, notes="corrected"))
    *_, entry = [e for e in Store(db).history(CLIENT.id) if e.record_id == "int_q0003"]
    assert entry.op == "update" and [(c.field, c.old, c.new) for c in entry.changes] == [
        ("notes", "old 3", "corrected")]


def test_a_log_right_after_another_process_compacted(db):
    mine = Store(db, author="me")
    mine.clients.all()  # in use: read before the others write
    for note in ("a", "b"):
        assert sk("log", "Northwind Outdoor", "--kind", "email", "--note", note,
                  db=db).returncode == 0
    other_process(db, "store.interactions.delete('int_q0001')\nstore.compact()")
    mine.interactions.save(make_interaction(CLIENT, "email", TODAY, id="int_mine",
                                            notes="mine"))
    stored = [i.notes for i in Store(db).interactions.all()]
    assert sorted(stored) == sorted([f"old {n}" for n in range(200) if n != 1]
                                    + ["a", "b", "mine"])
    assert [e.record_id for e in Store(db).history(CLIENT.id)][-1] == "int_mine"


def test_a_quick_write_that_compacts_folds_in_everything_and_renews_the_review_digest(db):
    other_process(db, "store.interactions.delete('int_q0002')")
    store = Store(db, Settings(compact_entries=2), author="me", clock=lambda: TODAY)
    store.interactions.save(make_interaction(CLIENT, "email", TODAY, id="int_mine"))
    assert journal.entries(journal_of(db)) == []  # compacted: the journal is folded in
    ids = {d["id"] for d in TinyDB(db).table("interactions").all()}
    assert ids == {i.id for i in OLD} - {"int_q0002"} | {"int_mine"}
    review = ["review", "--format", "json"]
    from_digest = json.loads(sk(*review, db=db).stdout)
    for kept in (db.with_name(db.name + ".digest"), db.with_name(db.name + ".review")):
        kept.unlink(missing_ok=True)
    assert json.loads(sk(*review, db=db).stdout) == from_digest  # from every record


def test_a_torn_journal_line_is_trimmed_by_a_quick_write(db):
    sk("log", "Northwind Outdoor", "--kind", "email", "--note", "whole", db=db)
    with open(journal_of(db), "ab") as f:
        f.write(b'{"seq":3,"at":"2026-11-23T10:00:00Z","by":"killed","ops":[["inter')
    out = sk("log", "Northwind Outdoor", "--kind", "email", "--note", "after", db=db)
    assert out.returncode == 0, out.stderr
    assert journal_of(db).read_bytes().endswith(b"\n") and b"killed" not in \
        journal_of(db).read_bytes()
    notes = [i.notes for i in Store(db).interactions.all()]
    assert notes.count("whole") == notes.count("after") == 1 and len(notes) == 202


def test_an_interaction_saved_by_this_process_is_read_back_before_the_rest(db):
    """What was saved and what the journal brought in before the table was read both
    survive the table's first read."""
    other_process(db, "store.interactions.delete('int_q0004')")
    store = Store(db)
    store.interactions.save(make_interaction(CLIENT, "email", TODAY, id="int_mine"))
    assert store.interactions.get("int_mine").rev == 1
    everything = {i.id for i in store.interactions.all()}
    assert everything == {i.id for i in OLD} - {"int_q0004"} | {"int_mine"}
    assert isinstance(store.interactions.get("int_q0000"), Interaction)
