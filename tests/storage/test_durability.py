"""The storage guarantees, proven with real files and real processes."""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from tinydb import TinyDB

from storage import backups
from storage.database import SCHEMA_VERSION, Database, Settings
from storage.errors import Conflict, StorageError
from storage.files import LockTimeout
from storage.repositories import Store
from tests.factories import TODAY, make_client, make_interaction
from tests.storage.workers import CLIENT, interaction
from tracker.models import InteractionKind

ROOT = Path(__file__).resolve().parents[2]
#: Not a speed limit: how long a test waits for a process that should long have answered
#: before calling it hung (outcomes are asserted, never how fast they came).
HUNG = 300


def worker(*args: str, **kw) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.storage.workers", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "shared" / "agency.json"


def test_eight_processes_saving_at_once_lose_nothing(path):
    Store(path).clients.save(CLIENT)
    procs = [worker("save", str(path), "250", f"w{n}") for n in range(8)]
    for p in procs:
        _, err = p.communicate(timeout=HUNG)
        assert p.returncode == 0, err
    saved = Store(path).interactions.all()
    assert len(saved) == 2000
    assert {i.notes for i in saved} == {f"w{n}:{i}" for n in range(8) for i in range(250)}
    assert all(i.rev == 1 and i == replace(interaction(i.author, int(i.notes.split(":")[1])),
                                           rev=1) for i in saved)
    Store(path).compact()
    assert len(TinyDB(path).table("interactions")) == 2000  # stock TinyDB reads it all


def test_kill_9_at_random_moments_never_loses_an_acknowledged_save(path):
    Store(path).clients.save(CLIENT)
    rng = random.Random(20261123)
    acknowledged: set[str] = set()
    at_least = 0
    for round_ in range(50):
        # compact every few saves, so kills also land inside compactions
        p = worker("loop", str(path), f"r{round_}", str(rng.choice((3, 5, 50))))
        # kill after a number of acknowledged saves (not after a time: a loaded machine
        # would start the worker too late), somewhere inside the next save or compaction
        wanted = rng.randint(1, 12)
        for _ in range(wanted):
            line = p.stdout.readline()
            assert line, f"round {round_}: the worker died: {p.stderr.read()}"
            acknowledged.add(line.strip())
        time.sleep(rng.uniform(0, 0.02))  # where in the next save: varied, never asserted
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate(timeout=HUNG)
        acknowledged |= set(out.split())
        at_least += wanted
        stored = {i.id for i in Store(path).interactions.all()}
        assert acknowledged <= stored, f"round {round_}: lost {acknowledged - stored}"
        assert json.loads(path.read_bytes())  # the base always parses
    assert len(acknowledged) >= at_least >= 50
    Store(path).clients.save(make_client())  # a writer cleans up after the dead ones
    assert not list(path.parent.glob(".*.tmp"))


def test_conflicting_saves_raise_with_both_versions_and_lose_nothing(path):
    saved = Store(path).clients.save(make_client(name="Acme", fee_cents=100))
    alice, bob = Store(path), Store(path)
    a, b = alice.clients.get(saved.id), bob.clients.get(saved.id)
    alice.clients.save(replace(a, fee_cents=200))
    with pytest.raises(Conflict) as e:
        bob.clients.save(replace(b, name="Acme Inc"))
    assert e.value.mine.name == "Acme Inc" and e.value.theirs.fee_cents == 200
    assert "was changed by someone else (now rev 2, yours rev 1)" in str(e.value)
    assert Store(path).clients.get(saved.id).fee_cents == 200
    # the caller decides: here, apply its change on top of the current version
    merged = bob.clients.save(replace(e.value.theirs, name="Acme Inc"))
    assert (merged.name, merged.fee_cents, merged.rev) == ("Acme Inc", 200, 3)


def test_delete_and_save_conflicts(path):
    store = Store(path)
    saved = store.clients.save(make_client())
    other = Store(path)
    other.clients.save(replace(other.clients.get(saved.id), name="Changed"))
    with pytest.raises(Conflict):
        store.clients.delete(saved)  # deleting what someone just changed
    other.clients.delete(saved.id)
    with pytest.raises(Conflict, match="was deleted by someone else"):
        store.clients.save(replace(saved, name="Mine"))
    with pytest.raises(Conflict, match="already exists"):
        store.clients.save(make_client(id="cli_x"))
        store.clients.save(make_client(id="cli_x"))


def test_a_change_set_is_all_or_nothing(path):
    store = Store(path)
    saved = store.clients.save(make_client())
    stale = replace(saved, rev=0)
    with pytest.raises(Conflict):
        store.clients.save_many([make_client(id="cli_new"), stale])
    assert [c.id for c in Store(path).clients.all()] == [saved.id]


def test_a_lock_left_by_a_killed_process_blocks_nobody(path):
    Store(path).clients.save(CLIENT)
    holder = worker("hold", str(path), "60")
    assert holder.stdout.readline().strip() == "locked"
    store = Store(path, Settings(lock_timeout=0.3))
    with pytest.raises(LockTimeout, match=r"another scopekeeper process is saving \(waited "
                       r"0\.3 s\)"):
        store.clients.save(make_client())
    holder.kill()
    holder.wait()
    store.clients.save(make_client())  # the kernel dropped the dead process's lock
    assert len(Store(path).clients.all()) == 2


def test_reads_take_no_lock(path):
    Store(path).clients.save(CLIENT)
    holder = worker("hold", str(path), "60")
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert Store(path, Settings(lock_timeout=0.3)).clients.all()[0].id == CLIENT.id
    finally:
        holder.kill()
        holder.wait()


def test_a_symlink_in_place_of_the_lock_file_is_refused(path):
    Store(path).clients.save(CLIENT)
    victim = path.parent / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    lock = path.with_name(path.name + ".lock")
    lock.unlink()
    lock.symlink_to(victim)
    with pytest.raises(StorageError, match="is a symbolic link"):
        Store(path).clients.save(make_client())
    assert victim.read_text(encoding="utf-8") == "precious"


def test_network_filesystems_are_refused(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\nsrv:/home {tmp_path} nfs4 rw 0 0\n",
                      encoding="utf-8")
    with pytest.raises(StorageError, match=r"network filesystem \(nfs4\)"):
        Database(tmp_path / "data" / "agency.json", mounts=mounts)
    Database(tmp_path / "data" / "agency.json", Settings(allow_network_fs=True), mounts=mounts)


def test_a_torn_journal_line_is_ignored_then_trimmed(path):
    store = Store(path)
    first = store.clients.save(make_client(name="First"))
    journal = path.with_name(path.name + ".journal")
    with journal.open("ab") as f:
        f.write(b'{"seq": 99, "ops": [["clients", "cli_half", {"id": "cli_ha')
    assert [c.name for c in Store(path).clients.all()] == ["First"]
    Store(path).clients.save(make_client(name="Second"))
    names = sorted(c.name for c in Store(path).clients.all())
    assert names == ["First", "Second"]
    assert b"cli_half" not in journal.read_bytes()
    assert store.clients.get(first.id) == first


def test_a_damaged_journal_is_refused_and_left_alone(path):
    Store(path).clients.save(CLIENT)
    journal = path.with_name(path.name + ".journal")
    damaged = journal.read_bytes() + b"garbage\n" + b'{"seq": 5, "ops": []}\n'
    journal.write_bytes(damaged)
    with pytest.raises(StorageError, match=r"agency\.json\.journal: damaged entry at byte"):
        Store(path)
    assert journal.read_bytes() == damaged


def test_a_journal_without_its_data_file_is_refused(path):
    Store(path).clients.save(CLIENT)
    path.unlink()
    with pytest.raises(StorageError, match="journal without its data file"):
        Store(path)


def test_orphan_temp_files_are_never_data_and_are_cleaned(path):
    Store(path).clients.save(CLIENT)
    orphan = path.parent / f".{path.name}.abc123.tmp"
    orphan.write_bytes(b'{"half": ')
    assert Store(path).clients.all()[0].id == CLIENT.id
    Store(path).clients.save(make_client())
    assert not orphan.exists()


V1_FILE = {
    "_meta": {"1": {"format": "scopekeeper", "schema": 1}},
    "clients": {"1": {"id": "cli_1", "name": "Old Co", "start_date": "2025-01-01"}},
    "interactions": {"1": {"id": "int_1", "client_id": "cli_1", "kind": "email",
                           "on": "2026-11-20"}},
}


def test_an_older_schema_is_migrated_after_a_backup(path):
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(V1_FILE), encoding="utf-8")
    store = Store(path)
    (client,) = store.clients.all()
    assert (client.name, client.rev) == ("Old Co", 1)
    assert store.interactions.all()[0].kind is InteractionKind.EMAIL
    (backup,) = backups.listing(store.path)
    assert backup.name.endswith(".schema1.json")
    assert json.loads(backup.read_bytes()) == V1_FILE
    assert json.loads(path.read_bytes())["_meta"]["1"]["schema"] == SCHEMA_VERSION
    store.clients.save(replace(client, name="New Co"))  # and it is writable as usual
    assert Store(path).clients.get("cli_1").name == "New Co"


def test_compacted_file_opens_in_stock_tinydb_and_json_tool(path):
    store = Store(path)
    c = store.clients.save(make_client(name="Zoë"))
    store.interactions.save_many([make_interaction(c, InteractionKind.EMAIL, TODAY)
                                  for _ in range(5)])
    store.compact()
    assert not path.with_name(path.name + ".journal").read_bytes().count(b"\n") > 1
    db = TinyDB(path)
    assert [d["name"] for d in db.table("clients").all()] == ["Zoë"]
    assert len(db.table("interactions")) == 5
    out = subprocess.run([sys.executable, "-m", "json.tool", str(path)], capture_output=True,
                         check=True)
    assert b"Zo\\u00eb" in out.stdout or "Zoë".encode() in out.stdout


def test_backups_roll(path):
    store = Store(path, Settings(backups=3))
    for n in range(5):
        store.clients.save(make_client(name=f"C{n}"))
        store.compact()
    kept = backups.listing(store.path)
    assert len(kept) == 3
    assert [len(orjson.loads(p.read_bytes())["clients"]) for p in kept] == [3, 4, 5]


def test_backups_and_the_audit_trail_follow_the_store_clock(path):
    """A backup is due after ``backup_every`` by the clock the store is given (the names
    carry its time), never by the files' own times: a moved clock cannot confuse it."""
    from datetime import UTC, datetime, timedelta

    t0 = datetime(2031, 12, 31, 23, 0, tzinfo=UTC)
    at = lambda hours: Settings(now=lambda: t0 + timedelta(hours=hours))  # noqa: E731
    store = Store(path, at(0))
    store.clients.save(CLIENT)
    store.compact()
    (first,) = backups.listing(path)
    assert first.name == "agency.20311231T230000000000Z.json"
    assert backups.taken_at(first, path) == t0
    Store(path, at(23)).clients.save(make_client())  # not due yet: no new backup
    assert backups.listing(path) == [first]
    Store(path, at(25)).clients.save(make_client())  # due: the save compacts and keeps one
    assert [p.name for p in backups.listing(path)] == [
        first.name, "agency.20320102T000000000000Z.json"]
    trail = path.with_name(path.name + ".audit").read_text(encoding="utf-8")
    assert '"at":"2032-01-02T00:00:00Z"' in trail.replace(" ", "")


def test_replacing_everything_backs_up_what_was_there(path):
    store = Store(path)
    store.clients.save(make_client(name="Before"))
    store.replace_all(store.load_agency().__class__(clients=(make_client(name="After"),)))
    assert [c.name for c in Store(path).clients.all()] == ["After"]
    names = [[d["name"] for d in orjson.loads(p.read_bytes())["clients"].values()]
             for p in backups.listing(store.path)]
    assert ["Before"] in names


@pytest.mark.parametrize("shared", [False, True], ids=["private", "group-shared"])
def test_every_file_gets_the_right_mode(tmp_path, shared):
    directory = tmp_path / "data"
    directory.mkdir()
    if shared:
        os.chmod(directory, 0o2770)
    old = os.umask(0o000)  # even a careless umask gives nothing to the world
    try:
        store = Store(directory / "agency.json")
        store.clients.save(CLIENT)
        store.compact()
    finally:
        os.umask(old)
    want = 0o660 if shared else 0o600
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert {p.name.split(".")[-1] for p in files} >= {"json", "journal", "lock"}
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == want, p
    assert stat.S_IMODE((directory / "backups").stat().st_mode) == (0o2770 if shared else 0o700)


def test_a_save_costs_the_same_on_a_big_file(path):
    """Not a timing test: a save appends one line, whatever the size of the data."""
    store = Store(path)
    c = store.clients.save(CLIENT)
    store.interactions.save_many([make_interaction(c, InteractionKind.EMAIL, TODAY)
                                  for _ in range(3000)])
    store.compact()
    size = path.stat().st_size
    journal = path.with_name(path.name + ".journal")
    before = journal.stat().st_size
    store.interactions.save(make_interaction(c, InteractionKind.QUESTION, TODAY))
    assert path.stat().st_size == size  # the data file was not rewritten
    assert journal.stat().st_size - before < 400


def test_readers_never_see_a_compaction_half_done(path):
    """A writer compacting every 3 saves; a reader in this process keeps reading."""
    Store(path).clients.save(CLIENT)
    writer = worker("loop", str(path), "busy", "3")
    try:
        reader = Store(path)
        seen = reads = 0
        deadline = time.monotonic() + HUNG  # a hang guard, not a speed limit
        while seen <= 30 or reads <= 50:  # until the writer has compacted ten times over
            assert time.monotonic() < deadline, "the writer made no progress"
            now = len(reader.interactions.all())
            assert now >= seen  # nothing ever disappears
            seen, reads = now, reads + 1
    finally:
        writer.kill()
        writer.communicate()
    assert len(Store(path).interactions.all()) >= seen
