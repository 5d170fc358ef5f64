"""``.ci/run``: installs PostgreSQL with apt-get only where its programs are missing, then runs
``make test`` with the PostgreSQL tests required. Run here against a fake file system
(``CI_ROOT``) with stand-ins for ``apt-get`` and ``make`` that record how they were called:
nothing is installed or uninstalled on this machine."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sealed import sealed_env

ROOT = Path(__file__).resolve().parents[2]
#: The real programs the script may use; everything else on its PATH is a stand-in.
TOOLS = ("bash", "env", "ls", "sort", "dirname", "basename", "id", "mkdir", "tee", "chmod")

RECORDER = """#!/bin/bash
echo "$(basename "$0") $* REQUIRE=${SCOPEKEEPER_REQUIRE_POSTGRES:-} \
FRONTEND=${DEBIAN_FRONTEND:-}" >> "$CALLS"
"""


def _fake_postgres(root: Path, version: str) -> Path:
    bindir = root / "usr" / "lib" / "postgresql" / version / "bin"
    bindir.mkdir(parents=True)
    for tool in ("initdb", "pg_ctl", "postgres"):
        (bindir / tool).write_text("#!/bin/sh\n")
        (bindir / tool).chmod(0o755)
    return bindir


@pytest.fixture
def machine(tmp_path) -> Path:
    """A folder of stand-ins and the few real tools, to be the script's whole PATH."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in TOOLS:
        real = shutil.which(tool)
        assert real is not None, tool
        (bin_ / tool).symlink_to(real)
    for fake in ("apt-get", "make"):
        (bin_ / fake).write_text(RECORDER)
        (bin_ / fake).chmod(0o755)
    (tmp_path / "root").mkdir()
    return tmp_path


def _run_ci(machine: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    calls = machine / "calls"
    calls.touch()
    ci_env = sealed_env(PATH=str(machine / "bin"), CI_ROOT=str(machine / "root"),
                        CALLS=str(calls), **env)
    ci_env.pop("DEBIAN_FRONTEND", None)  # the script sets it for apt-get: this machine may too
    done = subprocess.run(["bash", str(ROOT / ".ci" / "run")], cwd=machine, env=ci_env,
                          capture_output=True, text=True, timeout=60, check=False)
    return done, calls.read_text().splitlines()


def test_where_postgresql_is_installed_ci_only_runs_the_tests_requiring_it(machine):
    _fake_postgres(machine / "root", "9.6")
    newest = _fake_postgres(machine / "root", "15")
    done, calls = _run_ci(machine)
    assert done.returncode == 0, done.stderr
    assert calls == ["make test REQUIRE=1 FRONTEND="]
    assert f"PostgreSQL programs in {newest}" in done.stdout


#: What the apt-get stand-in does on ``install``: put PostgreSQL's programs in place, or not.
INSTALLS = """
if [[ $1 == install && $INSTALLS == yes ]]; then
    mkdir -p "$CI_ROOT/usr/lib/postgresql/15/bin"
    for tool in initdb pg_ctl postgres; do
        echo '#!/bin/sh' > "$CI_ROOT/usr/lib/postgresql/15/bin/$tool"
        chmod 755 "$CI_ROOT/usr/lib/postgresql/15/bin/$tool"
    done
fi
"""
APT = ["apt-get update -qq REQUIRE= FRONTEND=noninteractive",
       "apt-get install -y -qq -o Dpkg::Options::=--force-confold postgresql "
       "REQUIRE= FRONTEND=noninteractive"]


@pytest.mark.skipif(os.geteuid() != 0, reason="without root the script installs with sudo")
def test_where_postgresql_is_missing_ci_installs_it_then_runs_the_tests(machine):
    with (machine / "bin" / "apt-get").open("a") as apt:
        apt.write(INSTALLS)
    done, calls = _run_ci(machine, INSTALLS="yes")
    assert done.returncode == 0, done.stderr
    assert calls == [*APT, "make test REQUIRE=1 FRONTEND="]
    assert "PostgreSQL programs in " + str(machine / "root/usr/lib/postgresql/15/bin") \
        in done.stdout
    # the package must not start a system cluster of its own on port 5432
    conf = machine / "root" / "etc" / "postgresql-common" / "createcluster.conf"
    assert conf.read_text() == "create_main_cluster = false\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="without root the script installs with sudo")
def test_when_the_install_brings_no_postgresql_ci_fails_without_running_the_tests(machine):
    with (machine / "bin" / "apt-get").open("a") as apt:
        apt.write(INSTALLS)
    done, calls = _run_ci(machine, INSTALLS="no")
    assert done.returncode == 1
    assert "still missing after apt-get" in done.stderr
    assert calls == APT
