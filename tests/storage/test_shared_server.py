"""The shared-server layout of docs/shared-server.md, with two real Unix users.

An admin makes a group, a setgid data directory (root:GROUP, 2770) and a config file that
names the shared data file; two people (other uids, in that group) then alternately save,
and one of them compacts. Every save must succeed, and every file must stay 0660 in the
group (directories 2770) — never readable by others — whoever wrote it last. Needs root
(to act as the two users with setpriv) and a Python every user can run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.sealed import sealed_env

ROOT = Path(__file__).resolve().parents[2]
GID = 4242
ANA, BEN = 4101, 4102


def _public_python() -> str | None:
    """An interpreter of our version that any user may run (a venv under /root is not)."""
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in (sys.executable, f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}",
                      "/usr/bin/python3", "/usr/local/bin/python3"):
        probe = subprocess.run(
            ["setpriv", f"--reuid={ANA}", f"--regid={GID}", "--clear-groups", "--", candidate,
             "-c", "import orjson, tinydb, dateutil, jinja2"],
            env=sealed_env(home=Path("/nonexistent"), PATH="/usr/bin:/bin",
                           PYTHONPATH=f"{ROOT}:{site / 'site-packages'}"),
            capture_output=True, cwd="/", check=False)
        if probe.returncode == 0:
            return candidate
    return None


needs_root = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                                reason="acting as two Unix users needs root and setpriv")


@pytest.fixture
def server():
    base = Path(tempfile.mkdtemp(prefix="sk-shared-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        data = base / "srv" / "scopekeeper"
        data.mkdir(parents=True)
        os.chmod(base / "srv", 0o755)
        os.chown(data, 0, GID)
        os.chmod(data, 0o2770)  # the group may write; new files inherit the group
        config = base / "etc" / "config.toml"
        config.parent.mkdir()
        config.write_text(f'[data]\npath = "{data / "agency.json"}"\nshared = "yes"\n\n'
                          '[agency]\nname = "Northlight Digital"\n', encoding="utf-8")
        os.chmod(config, 0o644)
        for uid in (ANA, BEN):
            home = base / "home" / str(uid)
            home.mkdir(parents=True)
            os.chown(home, uid, GID)
        yield base, data, config
    finally:
        shutil.rmtree(base, ignore_errors=True)


def as_user(python: str, base: Path, uid: int, *args: str) -> subprocess.CompletedProcess[str]:
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    code = ("import os, sys\nos.umask(0o022)\nfrom scopekeeper.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    return subprocess.run(
        ["setpriv", f"--reuid={uid}", f"--regid={GID}", "--clear-groups", "--", python, "-c",
         code, *args],
        env=sealed_env(home=base / "home" / str(uid), PATH="/usr/bin:/bin",
                       PYTHONPATH=f"{ROOT}:{site / 'site-packages'}",
                       SCOPEKEEPER_SYSTEM_CONFIG=str(base / "etc" / "config.toml")),
        capture_output=True, text=True, cwd=str(base), timeout=120, check=False)


def modes(data: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in [data, *data.rglob("*")]:
        st = p.lstat()
        out[str(p.relative_to(data))] = (oct(stat.S_IMODE(st.st_mode)), st.st_gid)
    return out


@needs_root
def test_two_users_alternately_saving_in_the_shared_directory(server):
    base, data, config = server
    python = _public_python()
    if python is None:
        pytest.skip("no Python that other users may run has our dependencies")
    first = as_user(python, base, ANA, "demo")
    assert first.returncode == 0, first.stderr
    for n in range(3):
        for uid in (BEN, ANA):
            out = as_user(python, base, uid, "log", "Pinecrest", "--kind", "email",
                          "--note", f"{uid} round {n}")
            assert out.returncode == 0, (uid, out.stderr)
        found = modes(data)
        for name, (mode, gid) in found.items():
            want = "0o2770" if (data / name).is_dir() else "0o660"
            assert (mode, gid) == (want, GID), (name, mode, gid, n)
    assert as_user(python, base, BEN, "compact").returncode == 0  # Ben replaces Ana's base
    out = as_user(python, base, ANA, "log", "Pinecrest", "--kind", "email", "--note", "after")
    assert out.returncode == 0, out.stderr
    assert {m for m, _ in modes(data).values()} == {"0o2770", "0o660"}
    assert all(gid == GID for _, gid in modes(data).values())
    assert {"agency.json", "agency.json.journal", "agency.json.lock", "agency.json.audit",
            "backups"} <= set(modes(data))
    history = as_user(python, base, BEN, "history", "Pinecrest")
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    assert sum(f'notes: "{ANA} round' in ln for ln in lines) == 3
    assert sum(f'notes: "{BEN} round' in ln for ln in lines) == 3
    assert any(f"  {BEN}  " in ln and f'notes: "{BEN} round 0"' in ln for ln in lines)
    shown = as_user(python, base, ANA, "config").stdout.splitlines()
    (path_line,) = [ln for ln in shown if ln.startswith("data.path")]
    assert path_line.split() == ["data.path", str(data / "agency.json"), f"({config})"]


@needs_root
def test_a_restore_by_another_member_keeps_the_group_modes(server):
    """Ana's data file is cut short in place; Ben restores the latest backup: every file
    (the restored data, the damaged ones kept, the backups, the trail) stays 0660 in the
    group and the directories 2770, and Ana can go on saving."""
    base, data, _ = server
    python = _public_python()
    if python is None:
        pytest.skip("no Python that other users may run has our dependencies")
    assert as_user(python, base, ANA, "demo").returncode == 0
    out = as_user(python, base, ANA, "log", "Pinecrest", "--kind", "email", "--note", "kept")
    assert out.returncode == 0, out.stderr
    path = data / "agency.json"
    with open(path, "r+b") as f:  # in place, as `cp` or `>` would: owner and mode stay
        f.truncate(path.stat().st_size // 2)
    out = as_user(python, base, BEN, "restore", "latest")
    assert out.returncode == 0, out.stderr
    assert "replayed 1 saved change(s)" in out.stdout
    found = modes(data)
    assert any(name.endswith(".damaged") for name in found)
    for name, (mode, gid) in found.items():
        want = "0o2770" if (data / name).is_dir() else "0o660"
        assert (mode, gid) == (want, GID), (name, mode, gid)
    out = as_user(python, base, ANA, "log", "Pinecrest", "--kind", "email", "--note", "after")
    assert out.returncode == 0, out.stderr
    history = as_user(python, base, ANA, "history", "Pinecrest").stdout
    assert 'notes: "kept"' in history and 'notes: "after"' in history
