"""A wheel built from the repo carries its styles and templates and runs outside the checkout."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.factories import TODAY
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("scopekeeper", "screens", "storage", "tracker", "templates")
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                              ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis",
                              "tests")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources and installed into a fresh directory."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(work / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (work / "dist").glob("scopekeeper-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    # every package of the source tree, and every style sheet: a subpackage missing from
    # pyproject's list is a command that fails with ModuleNotFoundError once installed
    for package in PACKAGES:
        for init in sorted((ROOT / package).rglob("__init__.py")):
            assert str(init.relative_to(ROOT)) in names, f"the wheel lacks {init.parent}"
        for sheet in sorted((ROOT / package).rglob("*.tcss")):
            assert str(sheet.relative_to(ROOT)) in names, f"the wheel lacks {sheet}"
    for needed in ("screens/review.tcss", "screens/clients.tcss", "screens/welcome.tcss",
                   "screens/app.tcss", "screens/documents.tcss", "templates/README.md",
                   "templates/kickoff.md.j2", "templates/save_mode_prep.md.j2",
                   "tracker/models.py", "tracker/documents/letters.py",
                   "storage/render_worker.py", "screens/client/screen.py",
                   "screens/client/screen.tcss"):
        assert needed in names
    assert not any(n.startswith("tests/") for n in names)
    site = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    return site


def env_for(site: Path) -> dict[str, str]:
    # the installed code, then the test venv's packages (textual, tinydb...) as plain
    # folders: run with -S (python_cmd), so that no .pth file runs and the editable
    # install's finder never hands out this checkout's modules in place of missing ones
    venv_site = next(p for p in sys.path if p.endswith("site-packages"))
    return sealed_env(home=site.parent, PYTHONPATH=f"{site}{os.pathsep}{venv_site}",
                      PATH="/usr/bin:/bin")


def python_cmd(*args: str) -> list[str]:
    """The installed ``scopekeeper`` with ``args``, without site's .pth files."""
    return [sys.executable, "-S", "-m", "scopekeeper", *args]


def test_installed_command_runs_from_outside_the_checkout(installed, tmp_path):
    db = demo_file(tmp_path / "a.json")
    out = subprocess.run(
        python_cmd("review", "--on", TODAY.isoformat(), "--db", str(db)), capture_output=True, text=True, cwd=tmp_path, env=env_for(installed),
        check=True)
    assert out.stdout.startswith("Review for Mon 23 Nov 2026: ")
    where = subprocess.run([sys.executable, "-S", "-c", "import screens.flows.entries, "
                            "storage.engine.database, storage.postgres.store, "
                            "scopekeeper.commands.records as m; print(m.__file__); "
                            "print(screens.flows.entries.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env_for(installed),
                           check=True).stdout
    assert all(line.startswith(str(installed)) for line in where.split())


def test_installed_command_renders_built_in_and_agency_templates(installed, tmp_path):
    db = demo_file(tmp_path / "a.json")
    cfg = tmp_path / "cfg"
    (cfg / "templates").mkdir(parents=True)
    (cfg / "config.toml").write_text('[templates]\ndir = "templates"\n', encoding="utf-8")
    (cfg / "templates" / "kickoff.md.j2").write_text("Ours: {{ client.name }}\n",
                                                     encoding="utf-8")
    env = env_for(installed) | {"SCOPEKEEPER_CONFIG": str(cfg / "config.toml")}
    run = python_cmd("render", "--db", str(db), "--client", "Harbor Dental")
    builtin = subprocess.run([*run, "monthly_report"], capture_output=True, text=True,
                             cwd=tmp_path, env=env, check=True)
    assert builtin.stdout.startswith("# Harbor Dental Group: monthly report, ")
    # the agency's template renders in a separate, limited process: it must find us too
    ours = subprocess.run([*run, "kickoff"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, check=True)
    assert ours.stdout == "Ours: Harbor Dental Group\n"


def test_installed_tui_starts_in_a_terminal_and_quits(installed, tmp_path):
    db = demo_file(tmp_path / "a.json")
    pid, fd = pty.fork()
    if pid == 0:  # the child: the installed command in a real pseudo-terminal
        os.chdir(tmp_path)
        cmd = python_cmd("--db", str(db))
        os.execve(cmd[0], cmd, env_for(installed) | {"COLUMNS": "80", "LINES": "24"})
    seen = b""
    deadline = time.monotonic() + 30
    try:
        while b"to review" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        assert b"to review" in seen, seen[-2000:]
        os.write(fd, b"q")
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(fd, 65536)
        else:
            pytest.fail("the app did not quit on q")
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
