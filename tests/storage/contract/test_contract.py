"""What every backend of :class:`storage.contract.Storage` must do, run against each
(``backend``: today the TinyDB engine on a real file; issue 16 adds PostgreSQL)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from storage.errors import Conflict, NotFound, StorageError
from storage.tables import TABLES
from tests.factories import TODAY, make_client, make_interaction
from tests.storage.contract.backends import shown as _shown
from tests.storage.test_repositories import ONE_OF_EACH
from tracker.errors import ValidationError
from tracker.models import Agency, Client, Interaction, InteractionKind
from tracker.record_types import Record

ROOT = Path(__file__).resolve().parents[3]


def email(client: Client, note: str = "") -> Interaction:
    return make_interaction(client, InteractionKind.EMAIL, TODAY, notes=note)


@pytest.mark.parametrize("record", ONE_OF_EACH, ids=lambda r: type(r).__name__)
def test_a_saved_record_reads_back_the_same_with_revision_1(backend, record):
    (saved,) = backend.open().save([record])
    assert saved == replace(record, rev=1)
    again = backend.open("bo")  # another instance: nothing shared in memory
    assert again.get(type(record), record.id) == saved
    assert again.records(type(record)) == (saved,)


def test_a_save_over_a_record_someone_changed_meanwhile_is_a_conflict(backend):
    ann, bo = backend.open("ann"), backend.open("bo")
    (client,) = ann.save([make_client(name="Acme")])
    (theirs,) = bo.save([replace(client, fee_cents=1)])
    with pytest.raises(Conflict) as e:
        ann.save([replace(client, fee_cents=2)])
    assert (e.value.mine.fee_cents, e.value.theirs) == (2, theirs)
    assert backend.open().get(Client, client.id).fee_cents == 1  # theirs kept
    (mine,) = ann.save([replace(theirs, fee_cents=2)])  # from theirs: saved
    assert mine.rev == 3


def test_a_new_record_whose_id_exists_is_a_conflict(backend):
    storage = backend.open()
    (client,) = storage.save([make_client()])
    with pytest.raises(Conflict, match="already exists"):
        backend.open("bo").save([replace(client, rev=0)])


def test_a_delete_removes_the_record_and_refuses_a_stale_one(backend):
    storage = backend.open()
    (client,) = storage.save([make_client()])
    (changed,) = backend.open("bo").save([replace(client, name="Renamed")])
    with pytest.raises(Conflict):
        storage.save(deletes=[client])  # the version read is not the one stored
    storage.save(deletes=[changed])
    with pytest.raises(NotFound):
        backend.open().get(Client, client.id)


def test_saves_and_deletes_of_one_change_go_together_or_not_at_all(backend):
    storage = backend.open()
    client, stay = storage.save([make_client(name="Acme"), make_client(name="Stay")])
    (note,) = storage.save([email(client)])
    with pytest.raises(Conflict):  # the second part is stale: the first is not done either
        storage.save([replace(stay, name="Stay 2")], deletes=[replace(note, rev=7)])
    assert backend.open().get(Client, stay.id).name == "Stay"
    storage.save([replace(stay, name="Stay 2")], deletes=[note])
    fresh = backend.open()
    assert fresh.get(Client, stay.id).name == "Stay 2" and fresh.records(Interaction) == ()


def test_an_invalid_record_is_refused_with_nothing_written(backend):
    storage = backend.open()
    (client,) = storage.save([make_client(name="Acme")])
    before, seen = storage.load_agency(), storage.token()
    bad = make_client(name="Bad", fee_cents=-1)
    with pytest.raises(ValidationError):
        storage.save([replace(client, name="Acme 2"), bad])
    assert storage.token() == seen
    assert backend.open("bo").load_agency() == before


def test_replace_all_makes_the_agency_the_whole_content(backend):
    storage = backend.open()
    (old,) = storage.save([make_client(name="Old")])
    new = make_client(name="New")
    storage.replace_all(Agency(clients=(new,), interactions=(email(new),)), source="import")
    after = backend.open("bo").load_agency()
    assert [c.name for c in after.clients] == ["New"] and len(after.interactions) == 1
    with pytest.raises(Conflict):  # an editor still holding the old record
        storage.save([replace(old, name="Old 2")])
    last = storage.history()[-1]
    assert (last.op, last.by) == ("replace_all", "ann")


def test_replace_all_takes_a_stream_read_once_and_refuses_it_whole_for_one_bad_record(
        backend):
    """What ``scopekeeper migrate`` hands over: records as they are read, tables in any
    order; one invalid record (the last one) and nothing of the stream is written."""
    storage = backend.open()
    (old,) = storage.save([make_client(name="Old")])
    before, seen = storage.load_agency(), storage.token()
    a, b = make_client(name="A"), make_client(name="B")

    def stream(last: Client) -> Iterator[Record]:
        yield from (a, email(a), b, email(b, "b"), last)

    with pytest.raises(ValidationError):
        storage.replace_all(stream(make_client(name="Bad", fee_cents=-1)), source="migrate")
    assert storage.token() == seen and backend.open("bo").load_agency() == before
    storage.replace_all(stream(make_client(name="C")), source="migrate")
    after = backend.open("bo").load_agency()
    assert sorted(c.name for c in after.clients) == ["A", "B", "C"]
    assert sorted(i.notes for i in after.interactions) == ["", "b"]
    assert old.id not in {c.id for c in after.clients}
    assert backend.open().history()[-1].op == "replace_all"


def test_one_clients_records_are_read_without_the_others(backend):
    storage = backend.open()
    acme, other = storage.save([make_client(name="Acme"), make_client(name="Other")])
    storage.save([email(acme, "a"), email(other, "o")])
    mine = backend.open("bo").client_records(acme.id)
    assert [c.name for c in mine.clients] == ["Acme"]
    assert [i.notes for i in mine.interactions] == ["a"]
    assert backend.open().client_records("cli_nobody") == Agency()


def test_the_clients_names_are_every_clients_id_and_name_in_order(backend):
    storage = backend.open()
    acme, _, third = storage.save([make_client(name="Acme"), make_client(name="Ümlaut GmbH"),
                                   make_client(name="[b]Tag[/b] \x1b[2J")])
    backend.open("bo").save([replace(acme, name="Acme Corp")])
    storage.save(deletes=[third])
    names = backend.open("cy").client_names()
    assert [(n.id, n.name) for n in names] == [
        (c.id, c.name) for c in backend.open().records(Client)]
    assert [n.name for n in names] == ["Acme Corp", "Ümlaut GmbH"]


@pytest.mark.parametrize(("typed", "found"), [
    ("Acme Corp", "Acme Corp"), ("  acme CORP ", "Acme Corp"), ("ümlaut", "Ümlaut GmbH"),
    ("Acme", "Acme"),  # an exact name wins over the longer one containing it
])
def test_a_client_is_found_by_what_a_person_typed(backend, typed, found):
    from storage.workspace import Workspace

    backend.open().save([make_client(name="Acme"), make_client(name="Acme Corp"),
                         make_client(name="Ümlaut GmbH")])
    ws = Workspace(backend.location, "bo", lambda: TODAY)
    client = ws.find_client(typed)
    assert client.name == found
    assert client == backend.open().get(Client, client.id)  # the whole client, as stored
    assert ws.find_client(client.id) == client


@pytest.mark.parametrize(("typed", "message"), [
    ("cme", "'cme' matches 2 clients: Acme (cli_"), ("Zeta", "no client matches 'Zeta'"),
    ("   ", "no client given"),
])
def test_a_client_not_found_by_what_was_typed_says_why(backend, typed, message):
    from storage.workspace import Workspace
    from tracker.lookup import ClientNotFound

    backend.open().save([make_client(name="Acme"), make_client(name="Acme Corp")])
    with pytest.raises(ClientNotFound, match=re.escape(message)):
        Workspace(backend.location, "bo", lambda: TODAY).find_client(typed)


def test_the_history_says_who_changed_what_of_which_client(backend):
    ann = backend.open("ann")
    acme, other = ann.save([make_client(name="Acme"), make_client(name="Other")])
    backend.open("bo").save([replace(acme, name="Acme Corp")])
    ann.save([email(other)])
    trail = backend.open("cy").history(acme.id)
    assert [(e.by, e.op, e.record_id) for e in trail] == [
        ("ann", "create", acme.id), ("bo", "update", acme.id)]
    assert [(c.field, c.old, c.new) for c in trail[-1].changes] == [
        ("name", "Acme", "Acme Corp")]
    assert len(backend.open().history()) == 4  # one entry per record changed


def test_a_second_instance_sees_changes_and_the_token_says_so(backend):
    watcher = backend.open("ann")
    (client,) = watcher.save([make_client()])
    seen = watcher.token()
    assert watcher.token() == seen  # nothing saved: nothing changed
    backend.open("bo").save([email(client, "from bo")])
    assert watcher.token() != seen
    assert [i.notes for i in watcher.records(Interaction)] == ["from bo"]


def test_saves_from_many_processes_are_all_kept(backend):
    backend.open().save([make_client(id="cli_load", name="Load Test")])
    procs = [subprocess.Popen([sys.executable, "-m", "tests.storage.contract.worker",
                               backend.kind, backend.location, f"w{n}", "25", f"w{n}"],
                              cwd=ROOT) for n in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    saved = backend.open().records(Interaction)
    assert len(saved) == 100 and len({i.id for i in saved}) == 100
    assert {e.by for e in backend.open().history() if e.table == "interactions"} == {
        "w0", "w1", "w2", "w3"}


@pytest.mark.only_backend("tinydb", reason="a PostgreSQL database is backed up and restored "
                          "with pg_dump and pg_restore, not through the app")
def test_a_backup_is_brought_back_by_restore(backend):
    storage = backend.open()
    (client,) = storage.save([make_client(name="Kept")])
    kept = storage.keep_backup()
    storage.save([replace(client, name="Changed later")])
    done = backend.open("bo").restore(str(kept))
    assert done.records == 1
    assert [c.name for c in backend.open().load_agency().clients] == ["Kept"]
    assert backend.open().history()[-1].by == "bo"


def test_restoring_what_is_not_a_backup_changes_nothing(backend, tmp_path):
    storage = backend.open()
    storage.save([make_client(name="Kept")])
    before = storage.load_agency()
    with pytest.raises(StorageError):
        storage.restore(str(tmp_path / "no such backup.json"))
    assert backend.open().load_agency() == before


def test_compaction_keeps_every_record(backend):
    storage = backend.open()
    saved = storage.save(ONE_OF_EACH)
    storage.compact()
    again = backend.open("bo")
    assert sorted(again.load_agency().clients) == sorted(r for r in saved if isinstance(r, Client))
    assert {r.id for r in saved} == {r.id for name in Agency.__dataclass_fields__
                                     for r in getattr(again.load_agency(), name)}


def test_the_review_read_and_the_full_snapshot_agree(backend):
    storage = backend.open()
    acme = make_client(name="Acme", start_date=TODAY.replace(year=2025))
    storage.replace_all(Agency(clients=(acme,)))
    seen = storage.token()
    full = storage.snapshot(TODAY)
    assert [c.name for c in full.agency.clients] == ["Acme"] and full.review
    storage.keep(full, seen)
    quick = backend.open("bo").review(TODAY)
    assert quick.review == full.review
    kept = backend.open("bo").kept_review(TODAY)
    assert kept is None or kept.review == full.review
    # someone saves a change to the review: a kept review is never the one from before it
    # (the data file's is no longer kept; a database's is kept current by the save)
    backend.open("cy").save([make_interaction(acme, InteractionKind.STATUS_CALL, TODAY)])
    now = backend.open().snapshot(TODAY).review
    assert now != full.review
    after = backend.open().kept_review(TODAY)
    assert after is None or after.review == now


def test_what_a_session_shows_first_agrees_with_every_record_and_focus_fills_in_a_client(
        backend):
    """``overview`` (a summary on a backend that keeps assessments) shows the same review,
    clients, team and assessments as the full snapshot; ``Workspace.focus`` gives a
    client's whole history, also after someone else's save."""
    from storage.workspace import Workspace
    from tracker.demo import make_demo

    backend.open().replace_all(make_demo(TODAY, clients=16, events=300, seed=3))
    ws = Workspace(backend.location, "ann", lambda: TODAY)
    for _ in range(2):
        full = backend.open().snapshot(TODAY)
        seen = ws.snapshot()
        assert seen.review == full.review and seen.team == full.team
        assert [_shown(a) for a in seen.assessments] == [_shown(a) for a in full.assessments]
        for name in ("clients", "members", "assignments"):
            assert getattr(seen.agency, name) == getattr(full.agency, name)
        for a in full.assessments[:4]:
            focused = ws.focus(seen, a.client.id)
            assert focused.assessment(a.client.id) == a
            mine = [i for i in focused.agency.interactions if i.client_id == a.client.id]
            assert mine == [i for i in full.agency.interactions if i.client_id == a.client.id]
        client = full.assessments[0].client
        backend.open("bo").save([email(client)])  # the second round sees it


def test_a_session_is_told_to_look_when_someone_else_saves(backend, monkeypatch):
    """``looks`` yields once watching, then after another process's save, and the token
    read then shows the change: on PostgreSQL by its notification (the quiet-time look is
    put off for an hour, so only the notification can wake it), on a file within a second."""
    import asyncio

    from storage.postgres import store as pg

    monkeypatch.setattr(pg, "QUIET_SECONDS", 3600.0)
    storage = backend.open()
    acme = storage.save([make_client(name="Acme")])[0]

    async def watch() -> bool:
        looks = storage.looks()
        await anext(looks)  # watching from here
        seen = storage.token()
        saver = subprocess.Popen([sys.executable, "-m", "tests.storage.contract.worker",
                                  backend.kind, backend.location, "bo", "1", "x"], cwd=ROOT)
        await asyncio.to_thread(saver.wait)
        await anext(looks)
        await looks.aclose()
        return storage.token() != seen

    assert asyncio.run(asyncio.wait_for(watch(), 120))  # a hang guard, not a speed limit
    assert storage.get(Client, acme.id) == acme


def test_sixteen_processes_saving_a_hundred_times_each_keep_all_1600(backend):
    """Concurrent writers are put in one order: no save lost, none doubled, each audited."""
    backend.open().save([make_client(id="cli_load", name="Load Test")])
    procs = [subprocess.Popen([sys.executable, "-m", "tests.storage.contract.worker",
                               backend.kind, backend.location, f"p{n}", "100", f"p{n}"],
                              cwd=ROOT) for n in range(16)]
    assert [p.wait(timeout=600) for p in procs] == [0] * 16
    saved = backend.open().records(Interaction)
    assert len(saved) == 1600 and len({i.id for i in saved}) == 1600
    trail = [e for e in backend.open().history() if e.table == "interactions"]
    assert len(trail) == 1600 and len({e.seq for e in trail}) == 1600


def test_any_text_a_person_saves_reads_back_as_it_was(backend):
    # every record type with hostile text in every field (NUL, escapes, bidi, CJK, emoji):
    # what the data file keeps, every backend keeps (PostgreSQL's jsonb could not hold NUL)
    from tests.hostile import hostile_agency

    agency = hostile_agency(TODAY)
    backend.open().replace_all(agency, "test")
    got = backend.open("bo").load_agency()
    for name in TABLES.values():
        assert sorted((replace(r, rev=0) for r in getattr(got, name)), key=lambda r: r.id) == \
            sorted((replace(r, rev=0) for r in getattr(agency, name)), key=lambda r: r.id), name
    # a change of hostile text is in the audit trail as it was, old and new
    client = got.clients[0]
    renamed = client.name[::-1] + "\x00"
    backend.open().save([replace(client, name=renamed)])
    last = [e for e in backend.open().history() if e.record_id == client.id][-1]
    assert [(c.field, c.old, c.new) for c in last.changes] == [("name", client.name, renamed)]
