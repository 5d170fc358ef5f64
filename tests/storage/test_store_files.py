"""Which paths belong to the store (storage/store_files.py): every spelling of every file
the store keeps is recognised, and nothing else is."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from storage.engine.settings import Settings
from storage.errors import StorageError
from storage.repositories import Store
from storage.store_files import StoreFile, refuse_store_file, store_file_at
from storage.workspace import Workspace
from tests.factories import TODAY, make_client

SIDECARS = ["", ".journal", ".lock", ".audit", ".review", ".digest"]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    """A data directory after a full life: saves, a migration, compactions (backups and
    their trails), a review kept and a digest written, a restore from damage."""
    directory = tmp_path_factory.mktemp("store") / "data"
    directory.mkdir()
    path = directory / "agency.json"
    path.write_text(json.dumps({"_meta": {"1": {"format": "scopekeeper", "schema": 1}},
                                "clients": {}}), encoding="utf-8")
    store = Store(path, Settings(backup_every=timedelta(days=9999)))  # migrates: a backup
    store.clients.save(make_client(name="Acme"))
    store.compact()
    ws = Workspace(path, user="ana", clock=lambda: TODAY)
    ws.keep(ws.snapshot())  # keeps the review and the digest
    ws.store.clients.save(make_client(name="Birch"))
    with open(path, "r+b") as f:
        f.truncate(10)
    Store(path, lazy=True).restore("latest")  # keeps the damaged files
    (directory / f".{path.name}.x1y2.tmp").write_bytes(b"{")  # a killed writer's temp file
    return directory


def test_every_file_a_store_keeps_is_recognised(store_dir):
    path = store_dir / "agency.json"
    made = sorted(p for p in store_dir.rglob("*") if p.is_file())
    names = {p.name.removeprefix("agency.json") for p in made if p.parent == store_dir}
    assert {".journal", ".lock", ".audit", ".review", ".digest", ""} <= names
    inside = {p.name.split(".")[-1] for p in made if p.parent.name == "backups"}
    assert {"json", "audit", "damaged", "journal"} <= inside  # backups, trails, damage kept
    for p in made:
        assert store_file_at(p, path) is not None, p


@pytest.mark.parametrize("suffix", SIDECARS, ids=lambda s: s or "data")
def test_every_spelling_of_a_store_file_is_refused(store_dir, tmp_path, monkeypatch, suffix):
    path = store_dir / "agency.json"
    target = store_dir / f"agency.json{suffix}"
    monkeypatch.chdir(store_dir.parent)
    alias = tmp_path / "alias"
    alias.symlink_to(store_dir)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    spellings = [target, Path("data") / target.name, store_dir / "backups" / ".." / target.name,
                 alias / target.name, link]
    if target.exists():
        hard = store_dir / f"hard{suffix}.md"  # same filesystem: a hard link is possible
        os.link(target, hard)
        spellings.append(hard)
    for spelt in spellings:
        assert store_file_at(spelt, path) is not None, spelt
        with pytest.raises(StoreFile, match="refusing to write there"):
            refuse_store_file(spelt, path)
    for p in store_dir.glob("hard*.md"):
        p.unlink()


def test_the_backups_folder_and_anything_in_it_are_the_stores(store_dir):
    path = store_dir / "agency.json"
    folder = store_dir / "backups"
    for p in [folder, folder / "new.md", folder / "agency.20990101T000000000000Z.json",
              folder / "sub" / "x.csv"]:
        assert store_file_at(p, path) == "in the data file's backups folder", p


@pytest.mark.parametrize("name", ["agency.json.md", "agency.json.journal.bak", "agency.csv",
                                  "backups.zip", "agency.json.tmp", "report.md"])
def test_other_files_beside_it_are_not(store_dir, name):
    assert store_file_at(store_dir / name, store_dir / "agency.json") is None
    assert store_file_at(store_dir.parent / "elsewhere" / name, store_dir / "agency.json") is None


def test_the_refusal_is_one_line_naming_both_files(store_dir):
    path = store_dir / "agency.json"
    with pytest.raises(StorageError) as e:
        refuse_store_file(store_dir / "agency.json.journal", path)
    assert str(e.value) == (f"{store_dir / 'agency.json.journal'}: refusing to write there: it "
                            f"is the data file's journal ({path}); choose another file name")


SEGMENT = st.sampled_from([".", "x/..", "backups/..", "./."])


@settings(max_examples=60, deadline=None)
@given(before=st.lists(SEGMENT, max_size=4), suffix=st.sampled_from(SIDECARS),
       other=st.text("abcxyz.-_", min_size=1, max_size=12))
def test_any_dotted_spelling_resolves(store_dir, before, suffix, other):
    """However many `.` and `x/..` a path holds, it is the store's exactly when the file it
    names is (``x`` need not exist: the path is resolved the way the kernel would)."""
    path = store_dir / "agency.json"
    (store_dir / "x").mkdir(exist_ok=True)
    spelt = Path(str(store_dir), *before, f"agency.json{suffix}")
    assert store_file_at(spelt, path) is not None
    name = other if other not in (".", "..") else "z"
    stranger = Path(str(store_dir), *before, name)
    owned = (store_file_at(stranger, path) is not None)
    assert owned == (name in {f"agency.json{s}" for s in SIDECARS} or name == "backups"
                     or (name.startswith(".agency.json.") and name.endswith(".tmp")))
