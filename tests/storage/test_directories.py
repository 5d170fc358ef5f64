"""Every directory the app makes is 0700 (2770 in the group when the data is shared),
whatever the umask: the data folder and its missing parents, backups/, the drafts folder
under ~/.local/state, the folder a CSV export is written in. They are all made by one
helper, ``storage.files.make_dirs`` (a guard below finds any other)."""

from __future__ import annotations

import ast
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from storage import drafts
from tests.accounts import GROUP
from tests.cli.test_commands import sk

ROOT = Path(__file__).resolve().parents[2]
UMASKS = pytest.mark.parametrize("umask", [0o000, 0o022, 0o077],
                                 ids=["umask000", "umask022", "umask077"])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class _Umask:
    def __init__(self, umask: int) -> None:
        self.umask = umask

    def __enter__(self) -> None:
        self.old = os.umask(self.umask)

    def __exit__(self, *exc: object) -> None:
        os.umask(self.old)


@UMASKS
def test_a_new_data_folder_and_its_parents_are_private(tmp_path, umask):
    db = tmp_path / "a" / "b" / "c" / "agency.json"
    with _Umask(umask):
        out = sk("demo", db=db)
    assert out.returncode == 0, out.stderr
    made = [tmp_path / "a", tmp_path / "a" / "b", db.parent, db.parent / "backups"]
    assert {str(p.relative_to(tmp_path)): _mode(p) for p in made} == {
        str(p.relative_to(tmp_path)): 0o700 for p in made}


@UMASKS
def test_a_new_shared_data_folder_and_its_parents_are_the_groups(tmp_path, umask):
    """``data.shared = "yes"`` under a group folder: every folder made is 2770 in the group
    (never world-writable, even under umask 000)."""
    group = tmp_path / "srv"
    group.mkdir()
    if os.geteuid() == 0:
        os.chown(group, -1, GROUP)
    os.chmod(group, 0o2770)
    config = tmp_path / "config.toml"
    config.write_text('[data]\nshared = "yes"\n', encoding="utf-8")
    db = group / "a" / "b" / "agency.json"
    with _Umask(umask):
        out = sk("demo", "--config", str(config), db=db)
    assert out.returncode == 0, out.stderr
    for folder in (group / "a", db.parent, db.parent / "backups"):
        st = folder.stat()
        assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o2770, group.stat().st_gid), folder
    assert stat.S_IMODE(db.stat().st_mode) == 0o660


@UMASKS
def test_the_drafts_folder_and_its_parents_are_private(tmp_path, umask):
    """A hang-up keeps an open form under ~/.local/state/scopekeeper/drafts: each folder
    made on the way is the person's only."""
    home = tmp_path / "home"
    home.mkdir()
    folder = home / ".local" / "state" / "scopekeeper" / "drafts"
    with _Umask(umask):
        drafts.save(folder, "/data/agency.json", "New client", {"name": "Acme"},
                    datetime(2026, 11, 24, 9, 41))
    made = [home / ".local", home / ".local" / "state", folder.parent, folder]
    assert [_mode(p) for p in made] == [0o700] * 4
    assert [stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()] == [0o600]


# --- the guard: one helper makes every directory -----------------------------------------

#: Calls that make a directory (``Path.mkdir``, ``os.mkdir``, ``os.makedirs``, temporary
#: directories): only ``make_dirs`` may.
MAKERS = frozenset({"mkdir", "makedirs", "mkdtemp", "TemporaryDirectory"})
HELPER = ("storage/files.py", "make_dirs")


def _makers(rel: str, tree: ast.Module) -> Iterator[str]:
    inside = {id(n) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
              and (rel, fn.name) == HELPER for n in ast.walk(fn)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inside:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in MAKERS:
            yield f"{rel}:{node.lineno} {name}"


def test_every_directory_is_made_by_the_one_helper():
    found = []
    for layer in ("scopekeeper", "storage", "screens", "tracker"):
        for path in sorted((ROOT / layer).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            found += _makers(rel, ast.parse(path.read_text(encoding="utf-8")))
    assert found == [], "make directories with storage.files.make_dirs (0700/2770, any umask)"


def test_the_guard_finds_a_directory_made_elsewhere():
    bad = ast.parse("import os, tempfile\nfrom pathlib import Path\n"
                    "def f(p):\n    p.mkdir(parents=True)\n    os.makedirs(p)\n"
                    "    tempfile.mkdtemp()\n    with tempfile.TemporaryDirectory():\n"
                    "        pass\n")
    assert [w.split()[1] for w in _makers("storage/x.py", bad)] == [
        "mkdir", "makedirs", "mkdtemp", "TemporaryDirectory"]
    assert list(_makers(*HELPER[:1], ast.parse("def make_dirs(p):\n    os.mkdir(p)\n"))) == []
