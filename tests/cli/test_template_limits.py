"""``render`` and ``templates`` with a hostile or unreadable templates directory (anyone who
may write the agency's shared directory can put anything there): one line naming the file
and the reason, exit 1, nothing written — never a hang, a traceback or a colleague's file
rendered into the document."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_commands import BIN
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file

ROOT = Path(__file__).resolve().parents[2]
HINT = " (--builtin uses the built-in template)"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "cfg").mkdir(parents=True)
    demo_file(home / "agency.json")
    configure(home, home / "shared" / "templates")
    (home / "shared" / "templates").mkdir(parents=True)
    return home


def configure(home: Path, templates: Path) -> None:
    as_toml = "".join(f"\\u{ord(c):04x}" if c in '"\\' or not c.isprintable() else c
                      for c in str(templates))
    (home / "cfg" / "config.toml").write_text(f'[templates]\ndir = "{as_toml}"\n',
                                              encoding="utf-8")


def sk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A bounded run: a command that hangs (as on a named pipe) fails the test."""
    env = sealed_env(home=home, SCOPEKEEPER_DB=str(home / "agency.json"),
                     SCOPEKEEPER_CONFIG=str(home / "cfg" / "config.toml"))
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def one_line(out: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in out.stderr
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def folder(home: Path) -> Path:
    return home / "shared" / "templates"


def test_a_named_pipe_template_is_refused_at_once_and_nothing_is_written(home):
    fifo = folder(home) / "kickoff.md.j2"
    os.mkfifo(fifo)
    target = home / "kickoff.md"
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental", "-o", str(target))
    assert out.returncode == 1
    assert one_line(out) == (f"scopekeeper: error: {fifo}: refused: it is a named pipe "
                             f"(FIFO), not a regular file{HINT}")
    assert not target.exists()
    listing = sk(home, "templates")
    assert listing.returncode == 0
    assert f"kickoff               Kickoff agreement / scope of work   refused: {fifo}: it " \
           "is a named pipe (FIFO), not a regular file" in listing.stdout.splitlines()
    builtin = sk(home, "render", "kickoff", "--client", "Harbor Dental", "--builtin")
    assert builtin.returncode == 0 and builtin.stdout.startswith("# Scope of work")


def _make(kind: str, path: Path, secret: Path) -> None:
    if kind == "link to a private file":
        path.symlink_to(secret)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "directory":
        path.mkdir()
    elif kind == "dangling link":
        path.symlink_to("nowhere.md.j2")
    elif kind == "link loop":
        path.symlink_to(path.name)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "not UTF-8":
        path.write_bytes(b"\xff\xfe{{ client.name }}")
    elif kind == "just over the cap":
        path.write_bytes(b"x" * 80_001)


REASONS = {
    "link to a private file": "a symbolic link to a file outside the templates directory",
    "link to /dev/zero": "a symbolic link to a file outside the templates directory",
    "directory": "it is a directory, not a template file",
    "dangling link": "a symbolic link to a file that does not exist",
    "link loop": "a symbolic link that loops",
    "empty": "it is empty",
    "not UTF-8": "not UTF-8 text",
    "just over the cap": "larger than 80,000 bytes",
}


@pytest.mark.parametrize("kind", list(REASONS))
def test_each_hostile_template_file_is_one_line_and_nothing_is_written(home, kind):
    secret = home / "private-notes.txt"
    secret.write_text("our rates: 90 an hour\n", encoding="utf-8")
    path = folder(home) / "kickoff.md.j2"
    _make(kind, path, secret)
    target = home / "kickoff.md"
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental", "-o", str(target))
    line = one_line(out)
    assert out.returncode == 1 and not target.exists()
    assert line.startswith(f"scopekeeper: error: {path}: ") and REASONS[kind] in line
    assert "rates" not in out.stdout + out.stderr


def test_hostile_names_never_reach_the_terminal_raw(home, tmp_path):
    evil = tmp_path / "tpl\x1b]0;pwned\x07\u202e"
    evil.mkdir()
    configure(home, evil)
    (evil / "\x1b[2Jwipe\x9b6n.md.j2").write_text("x\n", encoding="utf-8")
    os.mkfifo(evil / "kickoff.md.j2")
    listing = sk(home, "templates")
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental")
    for text in (listing.stdout, listing.stderr, out.stdout, out.stderr):
        assert not any(c in text for c in "\x1b\x07\x9b\u202e"), repr(text)
    assert "wipe" in listing.stdout and out.returncode == 1 and "named pipe" in out.stderr


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_configured_templates_directory_that_is_not_one_is_said_in_one_line(home, kind):
    where = folder(home)
    shutil.rmtree(where)
    if kind == "a file":
        where.write_text("oops\n", encoding="utf-8")
    said = ("does not exist; create it, or correct templates.dir" if kind == "missing"
            else "is not a directory; correct templates.dir")
    expected = (f"scopekeeper: error: {where}: the templates directory (templates.dir) "
                f"{said} ('scopekeeper config' shows where it is set)")
    target = home / "kickoff.md"
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental", "-o", str(target))
    assert out.returncode == 1 and one_line(out) == expected + HINT and not target.exists()
    listing = sk(home, "templates")
    assert listing.returncode == 1 and one_line(listing) == expected
    assert sk(home, "render", "kickoff", "--client", "Harbor Dental", "--builtin",
              "-o", str(target)).returncode == 0  # the built-in one still works


def test_the_default_templates_directory_need_not_exist(home):
    (home / "cfg" / "config.toml").write_text("", encoding="utf-8")
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental")
    assert out.returncode == 0 and out.stdout.startswith("# Scope of work")
    listing = sk(home, "templates")
    assert listing.returncode == 0 and "(does not exist: none yet)" in listing.stdout


# --- a person who may not read what is there (another Unix user) ----------------------------

STRANGER = 4103


@pytest.fixture
def stranger_home() -> Iterator[Path]:
    """A home a second Unix user owns (the tests run as root) or our own (otherwise)."""
    base = Path(tempfile.mkdtemp(prefix="sk-tpl-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        home = base / "home"
        (home / "cfg").mkdir(parents=True)
        demo_file(home / "agency.json")
        configure(home, base / "templates")
        (base / "templates").mkdir()
        if os.geteuid() == 0:
            for p in [home, *home.rglob("*")]:
                os.chown(p, STRANGER, STRANGER, follow_symlinks=False)
        yield home
    finally:
        shutil.rmtree(base, ignore_errors=True)


def as_stranger(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = sealed_env(home=home, SCOPEKEEPER_DB=str(home / "agency.json"),
                     SCOPEKEEPER_CONFIG=str(home / "cfg" / "config.toml"),
                     SCOPEKEEPER_SYSTEM_CONFIG=str(home / "no-system-config.toml"))
    if os.geteuid() != 0:
        return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env,
                              timeout=60, check=False)
    from tests.storage.test_shared_server import _public_python

    python = _public_python()
    if python is None or not shutil.which("setpriv"):
        pytest.skip("acting as another user needs setpriv and a Python any user may run")
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    env |= {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT}:{site / 'site-packages'}"}
    code = "import sys\nfrom scopekeeper.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(["setpriv", f"--reuid={STRANGER}", f"--regid={STRANGER}",
                           "--clear-groups", "--", python, "-c", code, *args],
                          capture_output=True, text=True, env=env, cwd=str(home),
                          timeout=120, check=False)


def test_a_template_the_person_may_not_read_is_one_line(stranger_home):
    path = stranger_home.parent / "templates" / "kickoff.md.j2"
    path.write_text("ours\n", encoding="utf-8")
    os.chmod(path, 0o600)  # root's (or, unprivileged, nobody may read it: see below)
    if os.geteuid() != 0:
        os.chmod(path, 0o000)
    out = as_stranger(stranger_home, "render", "kickoff", "--client", "Harbor Dental")
    assert out.returncode == 1
    assert one_line(out) == (f"scopekeeper: error: {path}: refused: cannot read it (permission "
                             f"denied); ask its owner to make it readable to you{HINT}")
    listing = as_stranger(stranger_home, "templates")
    assert listing.returncode == 0 and "refused:" in listing.stdout


def test_a_templates_directory_the_person_may_not_read_says_whom_to_ask(stranger_home):
    where = stranger_home.parent / "templates"
    (where / "kickoff.md.j2").write_text("ours\n", encoding="utf-8")
    os.chmod(where, 0o700 if os.geteuid() == 0 else 0o000)
    try:
        for args in (("render", "kickoff", "--client", "Harbor Dental"), ("templates",)):
            out = as_stranger(stranger_home, *args)
            assert out.returncode == 1
            line = one_line(out)
            assert line.startswith(f"scopekeeper: error: {where}: cannot read the templates "
                                   "directory (permission denied); ask to be added to the "
                                   "group "), line
            assert f"that owns {where}" in line
    finally:
        os.chmod(where, 0o700)
