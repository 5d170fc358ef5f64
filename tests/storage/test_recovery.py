"""Restore works from the damage it exists for, on real files (storage/engine/recovery.py).

Damage is done the way it happens: *in place*, through the data file's own inode, as
``> agency.json``, ``cp other.json agency.json``, an editor or stock TinyDB would write it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from storage import backups
from storage.doctor import diagnose
from storage.engine.settings import Settings
from storage.errors import StorageError
from storage.repositories import Store
from tests.factories import make_client


def journal(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def in_place(path: Path, data: bytes) -> None:
    """Overwrite a file's bytes through its own inode (no rename): what `>` or cp do."""
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate(len(data))


def build(path: Path) -> dict[str, str]:
    """A store with a backup of Acme (compaction), then three saves only in the journal:
    Birch and Cedar created, Acme renamed. Returns the names by client id."""
    store = Store(path)
    acme = store.clients.save(make_client(name="Acme"))
    store.compact()
    birch = store.clients.save(make_client(name="Birch"))
    cedar = store.clients.save(make_client(name="Cedar"))
    store.clients.save(replace(acme, name="Acme Co"))
    return {acme.id: "Acme Co", birch.id: "Birch", cedar.id: "Cedar"}


def names(path: Path) -> dict[str, str]:
    return {c.id: c.name for c in Store(path).clients.all()}


def lines(path: Path) -> list[bytes]:
    return journal(path).read_bytes().split(b"\n")


def damage_base(kind: str, path: Path) -> None:
    raw = path.read_bytes()
    data = {"empty": b"", "truncated": raw[: len(raw) // 2], "garbage": b"\x00\xff<html>oops"}
    in_place(path, data[kind])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "agency.json"


@pytest.mark.parametrize("kind", ["empty", "truncated", "garbage"])
def test_restore_from_a_damaged_data_file_brings_back_every_save(path, kind):
    expected = build(path)
    damage_base(kind, path)
    damaged, journal_bytes = path.read_bytes(), journal(path).read_bytes()
    with pytest.raises(StorageError):
        Store(path)
    done = Store(path, lazy=True, author="ana").restore("latest")
    assert names(path) == expected  # the backup, and the three saves replayed from the journal
    assert done.replayed == 3 and done.not_replayed == () and done.damage
    assert [p.read_bytes() for p in done.kept] == [damaged, journal_bytes]
    assert not [f for f in diagnose(path) if f.level == "error"]


def test_a_damaged_journal_line_in_the_middle_loses_only_that_change(path):
    expected = build(path)
    header, birch, _cedar, acme, end = lines(path)
    assert end == b""
    damaged = b"\n".join([header, birch, b'{"seq": 4, "ops": [["clients", "cli_x"', acme, b""])
    in_place(journal(path), damaged)
    with pytest.raises(StorageError, match="damaged entry at byte"):
        Store(path)
    done = Store(path, lazy=True).restore("latest")
    cedar_id = next(i for i, n in expected.items() if n == "Cedar")
    assert names(path) == {i: n for i, n in expected.items() if i != cedar_id}
    assert done.replayed == 2
    (lost,) = done.not_replayed
    assert f"line 3 (byte {len(header) + len(birch) + 2}) is damaged" in lost
    assert done.kept[-1].read_bytes() == damaged


@pytest.mark.parametrize("line", [
    b'{"seq": 4, "op ": []}',  # a key damaged: still JSON
    b'{"seq": 4, "ops": 7}',
    b'{"seq": 4, "ops": [["clients", "cli_x"]]}',
    b'{"seq": 4, "ops": [["nope", "x", null]]}',
    b'{"seq": 4, "ops": [["clients", 5, {"id": 5}]]}',
    b'[4]',
], ids=["key", "ops-not-a-list", "op-short", "unknown-table", "bad-record", "not-an-object"])
def test_a_journal_line_that_is_json_but_not_a_change_is_damage(path, line):
    """One line naming the file and the byte, never a traceback; restore replays the rest."""
    expected = build(path)
    header, birch, _cedar, acme, _ = lines(path)
    in_place(journal(path), b"\n".join([header, birch, line, acme, b""]))
    with pytest.raises(StorageError, match=rf"agency\.json\.journal: damaged entry at byte "
                       rf"{len(header) + len(birch) + 2} \("):
        Store(path)
    done = Store(path, lazy=True).restore("latest")
    assert done.replayed == 2 and len(names(path)) == len(expected) - 1


def test_a_damaged_journal_header_is_damage(path):
    build(path)
    header, *rest = lines(path)
    in_place(journal(path), b"\n".join([header.replace(b'"base_seq":', b'"base_seq":"x",'
                                                        b'"old":'), *rest]))
    with pytest.raises(StorageError, match="its header line is damaged"):
        Store(path)


def test_a_journal_without_its_data_file(path):
    expected = build(path)
    path.unlink()
    with pytest.raises(StorageError, match="journal without its data file"):
        Store(path)
    done = Store(path, lazy=True).restore("latest")
    assert names(path) == expected and done.replayed == 3
    assert [p.name.endswith(".damaged.journal") for p in done.kept] == [True]


def test_without_backups_there_is_nothing_to_restore_and_nothing_is_written(path):
    store = Store(path, Settings(backup_every=__import__("datetime").timedelta(days=9999)))
    store.clients.save(make_client(name="Acme"))
    for p in backups.folder(path).iterdir():  # a first save keeps one: take it away
        p.unlink()
    backups.folder(path).rmdir()
    in_place(path, b"")
    before = {p: p.read_bytes() for p in path.parent.iterdir()}
    with pytest.raises(StorageError, match=r"nothing to restore: there are no backups in .*"
                       r"give a copy of the data file kept elsewhere"):
        Store(path, lazy=True).restore("latest")
    assert {p: p.read_bytes() for p in path.parent.iterdir()} == before


def test_a_change_the_backup_cannot_take_is_reported_not_forced(path):
    """Restoring an older backup over a damaged base: the renamed Acme was changed again
    after that backup, so its journal change does not apply; the gap is named too."""
    store = Store(path)
    acme = store.clients.save(make_client(name="Acme"))
    store.compact()
    old = backups.listing(path)[-1]
    acme = store.clients.save(replace(acme, name="Acme 2"))
    store.compact()  # the base now holds change 2; the backup above only change 1
    store.clients.save(replace(acme, name="Acme 3"))
    dune = store.clients.save(make_client(name="Dune"))
    in_place(path, b"")
    done = Store(path, lazy=True).restore(str(old))
    assert names(path) == {acme.id: "Acme", dune.id: "Dune"}
    assert done.replayed == 1
    gap, clash = done.not_replayed
    assert gap.startswith("change 2 was in the damaged data file only")
    assert f"Client {acme.id} is at revision 1; the change was made to revision 2" in clash


def test_the_audit_trail_records_the_restore(path):
    build(path)
    in_place(path, b"")
    done = Store(path, lazy=True, author="ana").restore("latest")
    last = Store(path).db.history()[-1]
    assert (last.by, last.op) == ("ana", "replace_all")
    said = {c.field: c.new for c in last.changes}
    assert said == {"restored": done.source.name, "records": 3, "replayed": 3,
                    "not replayed": 0}
    # the saves replayed from the journal are in the trail as the saves they were
    created = [e for e in Store(path).db.history() if e.op == "create"]
    assert {c.new for e in created for c in e.changes if c.field == "name"} >= {"Birch", "Cedar"}


def test_a_readable_state_is_backed_up_and_revisions_never_go_back(path):
    store = Store(path)
    acme = store.clients.save(make_client(name="Acme"))
    store.compact()
    first = backups.listing(path)[-1]
    acme = store.clients.save(replace(acme, name="Acme 2"))
    done = Store(path, lazy=True).restore(first.name)
    assert not done.damage and done.replayed == 0
    (kept,) = done.kept
    assert [d["name"] for d in orjson.loads(kept.read_bytes())["clients"].values()] == ["Acme 2"]
    back = Store(path).clients.get(acme.id)
    assert back.name == "Acme" and back.rev > acme.rev  # an editor holding "Acme 2" conflicts


def test_latest_passes_over_an_unreadable_newest_backup(path):
    expected = build(path)
    newest = backups.folder(path) / f"{path.stem}.29991231T000000000000Z.json"
    newest.write_bytes(b'{"_meta": ')
    in_place(path, b"")
    done = Store(path, lazy=True).restore("latest")
    assert names(path) == expected
    assert len(done.passed_over) == 1 and str(newest) in done.passed_over[0]


def test_a_newer_scopekeepers_file_is_not_damage(path):
    build(path)
    newer = b'{"_meta": {"1": {"format": "scopekeeper", "schema": 99}}}'
    in_place(path, newer)
    with pytest.raises(StorageError, match="written by a newer scopekeeper"):
        Store(path, lazy=True).restore("latest")
    assert path.read_bytes() == newer


def test_a_backup_is_read_with_limits(path, tmp_path):
    from storage.files import MAX_DATA_BYTES

    expected = build(path)
    in_place(path, b"")
    # a FIFO where the newest backup would be: reading it would wait for a writer for ever
    fifo = backups.folder(path) / f"{path.stem}.29991231T000000000000Z.json"
    os.mkfifo(fifo)
    with pytest.raises(StorageError, match="is not a regular file"):
        Store(path, lazy=True).restore(str(fifo))
    done = Store(path, lazy=True).restore("latest")
    assert names(path) == expected and "is not a regular file" in done.passed_over[0]
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as f:
        f.truncate(MAX_DATA_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(StorageError, match="a data file is at most 256 MB"):
        Store(path, lazy=True).restore(str(huge))


def test_backups_are_not_damaged_with_the_data_file(path):
    """A backup is a copy: writing the data file in place leaves every backup whole."""
    store = Store(path)
    store.clients.save(make_client(name="Acme"))
    store.compact()
    kept = {p: p.read_bytes() for p in backups.listing(path)}
    in_place(path, b"")
    assert {p: p.read_bytes() for p in backups.listing(path)} == kept


def test_a_restore_keeps_the_modes_of_a_group_directory(tmp_path):
    directory = tmp_path / "srv"
    directory.mkdir()
    os.chmod(directory, 0o2770)
    path = directory / "agency.json"
    old = os.umask(0)  # even a careless umask gives nothing to the world
    try:
        build(path)
        in_place(path, b"")
        Store(path, lazy=True).restore("latest")
    finally:
        os.umask(old)
    for p in directory.rglob("*"):
        want = 0o2770 if p.is_dir() else 0o660
        assert stat.S_IMODE(p.stat().st_mode) == want, p


DAMAGE = st.one_of(
    st.tuples(st.just("cut"), st.floats(0, 1)),
    st.tuples(st.just("bytes"), st.floats(0, 1), st.binary(min_size=1, max_size=40)),
)


def _apply(target: Path, how: tuple) -> None:
    raw = target.read_bytes()
    at = int(how[1] * len(raw))
    in_place(target, raw[:at] if how[0] == "cut" else raw[:at] + how[2] + raw[at + 1:])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.none() | DAMAGE, log=st.none() | DAMAGE)
def test_any_damage_to_the_data_file_or_journal_is_restored_from(base, log):
    """Whatever the bytes of the data file and journal, ``restore latest`` works: what was
    there is kept byte for byte, the result opens and doctor finds nothing wrong; when only
    the data file was damaged, every save comes back."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agency.json"
        expected = build(path)
        if base is not None:
            _apply(path, base)
        if log is not None:
            _apply(journal(path), log)
        before = path.read_bytes(), journal(path).read_bytes()
        done = Store(path, lazy=True).restore("latest")
        got = names(path)
        assert not [f for f in diagnose(path) if f.level == "error"]
        acme = next(iter(expected))
        if not done.damage:  # still readable after all: the backup, as asked
            assert got == {acme: "Acme"}
            return
        assert tuple(p.read_bytes() for p in done.kept) == before
        assert acme in got  # what the backup holds is never lost
        if log is None:
            assert got == expected
