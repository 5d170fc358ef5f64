"""Running the program as another Unix account: a colleague who is not (yet) in the data's
group, or one who is. Permission checks mean nothing to root, so these tests act as other
uids with ``setpriv`` (root only); elsewhere they are skipped, saying why.

Their files live under a world-enterable folder in /tmp (pytest's own is closed to other
accounts), made and removed by :func:`place`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sealed import sealed_env

ROOT = Path(__file__).resolve().parents[1]
GROUP = 4242  # the agency's group
MEMBER = 4101  # in it
NEWCOMER = 4103  # not yet in it

needs_accounts = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv"),
    reason="acting as other Unix accounts needs root and setpriv (root ignores file modes)")


def _site() -> Path:
    return Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" \
        / "site-packages"


def _env(home: Path, **extra: str) -> dict[str, str]:
    # no system configuration (the sealed one lies in a folder only root may enter)
    return sealed_env(home=home, PATH="/usr/bin:/bin", PYTHONPATH=f"{ROOT}:{_site()}",
                      **{"SCOPEKEEPER_SYSTEM_CONFIG": "", **extra})


def _setpriv(uid: int) -> list[str]:
    gid = GROUP if uid == MEMBER else uid
    return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", "--"]


@functools.cache
def public_python() -> str | None:
    """An interpreter of our version that any account may run, with our dependencies."""
    for candidate in (sys.executable, f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}",
                      "/usr/bin/python3"):
        probe = subprocess.run(
            [*_setpriv(NEWCOMER), candidate, "-c", "import orjson, tinydb, dateutil, jinja2"],
            env=_env(Path("/nonexistent")), capture_output=True, cwd="/", check=False)
        if probe.returncode == 0:
            return candidate
    return None


def open_place() -> Iterator[Path]:
    """A folder every account may enter (its contents are up to the test); a test module's
    ``place`` fixture yields from it."""
    if os.geteuid() == 0 and public_python() is None:
        pytest.skip("no Python that other accounts may run has our dependencies")
    base = Path(tempfile.mkdtemp(prefix="sk-accounts-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_as(uid: int, base: Path, *args: str, umask: int = 0o022, stdout: int | None = None,
           **env: str) -> subprocess.CompletedProcess[str]:
    """``scopekeeper ARGS`` as account ``uid`` (MEMBER is in GROUP), its home in ``base``."""
    code = (f"import os, sys\nos.umask({umask:#o})\nfrom scopekeeper.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    return python_as(uid, base, code, *args, stdout=stdout, **env)


def python_as(uid: int, base: Path, code: str, *args: str, stdout: int | None = None,
              **env: str) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS`` as account ``uid``, with this checkout importable."""
    python = public_python()
    assert python is not None
    home = base / "home" / str(uid)
    if not home.exists():
        home.mkdir(parents=True)
        os.chown(home, uid, uid)
    return subprocess.run(
        [*_setpriv(uid), python, "-c", code, *args], env=_env(home, **env),
        capture_output=stdout is None, stdout=stdout, stderr=subprocess.PIPE if stdout else None,
        text=True, cwd=str(base), timeout=120, check=False)


def unprivileged(base: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``scopekeeper ARGS`` as someone file modes apply to: this process's own account, or
    NEWCOMER when the tests run as root. Files it must read: give them to :func:`owner`."""
    if os.geteuid() == 0:
        return run_as(NEWCOMER, base, *args, **env)
    return subprocess.run([str(Path(sys.executable).parent / "scopekeeper"), *args],
                          env=sealed_env(home=base / "home", **env), capture_output=True,
                          text=True, cwd=str(base), timeout=120, check=False)


def owner() -> int:
    """The account :func:`unprivileged` runs as."""
    return NEWCOMER if os.geteuid() == 0 else os.geteuid()


def give(path: Path, uid: int) -> Path:
    """``path`` (a file or a folder and everything in it) now belongs to ``uid``."""
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.chown(p, uid, -1)
    return path
