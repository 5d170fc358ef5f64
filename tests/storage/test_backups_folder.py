"""``backups/`` is a real folder, and only what the app named is ever removed from it.

A ``backups`` that is a symbolic link is never followed: pruning through one once deleted
files of the folder it led to. Saves that would keep a backup are refused, in one line,
before anything is written; doctor names it with the fix. Pruning removes only regular
files with the names the app gives backups (``<stem>.<UTC time>[.<why>].json``)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from storage.engine.settings import Settings
from storage.errors import StorageError
from storage.repositories import Store
from tests.cli.test_commands import sk
from tests.factories import make_client

THEIRS = {"agency.2019.json": b"precious 1", "agency.notes.json": b"precious 2",
          "agency.20200101T000000000000Z.json": b"precious 3"}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def linked(tmp_path):
    """A data file with a save in its journal, whose ``backups`` is a link to a folder of
    someone else's files (named as the data file's backups would be)."""
    victim = tmp_path / "theirs"
    victim.mkdir()
    for name, data in THEIRS.items():
        (victim / name).write_bytes(data)
    path = tmp_path / "data" / "agency.json"
    store = Store(path, Settings(backups=1))
    store.clients.save(make_client(id="cli_one", name="One"))
    store.compact()
    store.clients.save(make_client(id="cli_two", name="Two"))
    (path.parent / "backups").rename(tmp_path / "old-backups")
    (path.parent / "backups").symlink_to(victim)
    return path, victim


def test_a_linked_backups_folder_is_refused_and_nothing_is_touched(linked):
    path, victim = linked
    before = _files(path.parent)
    store = Store(path, Settings(backups=1))
    with pytest.raises(StorageError, match=r"/backups: is a symbolic link \(to .*theirs\); "
                       r"backups are kept in a real folder only: remove it \(rm -- "):
        store.compact()
    assert _files(victim) == THEIRS
    assert _files(path.parent) == before  # no new data file, journal or audit line


def test_a_save_that_would_keep_a_backup_is_refused_before_it_is_written(linked):
    path, victim = linked
    before = _files(path.parent)
    store = Store(path, Settings(backups=1, compact_entries=1))  # every save compacts
    with pytest.raises(StorageError, match="is a symbolic link"):
        store.clients.save(make_client(id="cli_three", name="Three"))
    assert _files(path.parent) == before and _files(victim) == THEIRS
    assert {c.id for c in Store(path).clients.all()} == {"cli_one", "cli_two"}


def test_compact_and_doctor_say_so_in_one_line_each(linked):
    path, victim = linked
    out = sk("compact", db=path)
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr.count("\n") == 1 and "is a symbolic link" in out.stderr
    out = sk("doctor", db=path)
    assert out.returncode == 1
    link = path.parent / "backups"
    assert (f"error: {link}: is a symbolic link (to {victim}); backups are kept in a real "
            "folder only; saves are refused when a backup is due\n"
            f"  fix: rm -- {link}  (then: scopekeeper compact --db {path})\n") in out.stdout
    assert _files(victim) == THEIRS


def test_pruning_removes_only_the_backups_the_app_named(tmp_path):
    """A person's own copy kept in backups/, and a link named like a backup (to a file
    elsewhere), outlive every pruning; the app's own backups are pruned to the last N."""
    outside = tmp_path / "outside.json"
    outside.write_bytes(b"not a backup")
    path = tmp_path / "data" / "agency.json"
    store = Store(path, Settings(backups=2))
    client = store.clients.save(make_client(id="cli_one", name="One"))
    folder = path.parent / "backups"
    store.compact()
    (folder / "agency.1999-copy.json").write_bytes(b"my own copy")
    (folder / "agency.20000101T000000000000Z.json").symlink_to(outside)
    for n in range(3):
        client = store.clients.save(replace(client, name=f"One {n}"))
        store.compact()
    assert (folder / "agency.1999-copy.json").read_bytes() == b"my own copy"
    assert (folder / "agency.20000101T000000000000Z.json").is_symlink()
    assert outside.read_bytes() == b"not a backup"
    ours = [p for p in folder.iterdir() if p.name.endswith("Z.json") and not p.is_symlink()]
    assert len(ours) == 2
    assert sorted(os.listdir(folder)) == sorted(
        ["agency.1999-copy.json", "agency.20000101T000000000000Z.json",
         *(p.name for p in ours), *(p.name + ".audit" for p in ours)])
