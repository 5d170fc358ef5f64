"""screens -> storage -> tracker, never back; tracker is pure (stdlib + dateutil)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sealed import sealed_env

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN = {
    "tracker": {"textual", "rich", "tinydb", "jinja2", "storage", "screens", "scopekeeper"},
    "storage": {"textual", "rich", "screens", "scopekeeper"},
    "screens": {"scopekeeper"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_in_one_direction(package):
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_roots(p) & FORBIDDEN[package])
        for p in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_tracker_only_uses_the_stdlib_and_dateutil():
    allowed = set(sys.stdlib_module_names) | {"dateutil", "tracker"}
    used = set().union(*(imported_roots(p) for p in (ROOT / "tracker").rglob("*.py")))
    assert used - allowed == set()


def test_importing_tracker_loads_no_ui_storage_or_template_library():
    code = (
        "import sys, pkgutil, importlib, tracker\n"
        "for m in pkgutil.iter_modules(tracker.__path__):\n"
        "    importlib.import_module('tracker.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'textual','rich','tinydb','jinja2','storage','screens'})\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_nothing_happens_at_import(tmp_path):
    """No config read, no directory made, no data file opened when modules are imported."""
    env = sealed_env(home=tmp_path, PYTHONPATH=str(ROOT))
    code = ("import scopekeeper.cli, storage.repositories, storage.workspace, screens.app, "
            "tracker.review")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []
