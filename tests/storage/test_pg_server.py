"""The throwaway PostgreSQL the tests run against (``tests/pg_server.py``, fixtures in
``tests/postgres.py``): reachable only through its Unix socket, a fresh empty database per
test, gone after the run, and a loud skip (or a failure in CI) where it cannot start."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from tests.pg_server import Server, other_logins, python_as
from tests.sealed import sealed_env

ROOT = Path(__file__).resolve().parents[2]


def _tcp_listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target.removeprefix("socket:[").removesuffix("]"))
    return inodes


def test_the_server_listens_on_its_unix_socket_only(postgres_server: Server, postgres_url):
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.info.host == str(postgres_server.socket_dir)
    pid = postgres_server.postmaster_pid()
    assert pid is not None
    sockets = _socket_inodes(pid)
    assert sockets, "the postmaster holds its Unix socket"
    assert not sockets & _tcp_listening_inodes()


def test_a_test_database_is_empty_and_connects_as_this_login(postgres_url):
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                              "('pg_catalog', 'information_schema')").fetchone()
        assert tables == (0,)
        user = conn.execute("SELECT current_user").fetchone()
        assert user == (pwd.getpwuid(os.geteuid()).pw_name,)


def test_two_tests_get_two_databases(postgres_server: Server):
    first, second = postgres_server.create_database(), postgres_server.create_database()
    assert first != second
    with psycopg.connect(postgres_server.url(first)) as conn:
        conn.execute("CREATE TABLE mine (id int)")
    with psycopg.connect(postgres_server.url(second)) as conn:
        assert conn.execute("SELECT to_regclass('mine')").fetchone() == (None,)
    for name in (first, second):
        postgres_server.drop_database(name)


WHO_AM_I = """\
import sys, psycopg
with psycopg.connect(sys.argv[1]) as conn:
    print(conn.execute("SELECT current_user").fetchone()[0])
"""


@pytest.mark.skipif(not other_logins(), reason="acting as another Unix login needs root, "
                    "setpriv and one of the accounts nobody, daemon")
def test_another_login_connects_as_itself_and_as_no_one_else(postgres_server: Server,
                                                             postgres_url):
    other = other_logins()[0]
    postgres_server.create_role(other)
    dbname = str(conninfo_to_dict(postgres_url)["dbname"])
    done = python_as(other, WHO_AM_I, postgres_server.url(dbname, user=other))
    assert (done.returncode, done.stdout.strip()) == (0, other), done.stderr
    done = python_as(other, WHO_AM_I, postgres_url)  # no user: libpq takes the Unix login
    assert (done.returncode, done.stdout.strip()) == (0, other), done.stderr
    # peer authentication: the database role is the Unix login, whatever the URL asks for
    done = python_as(other, WHO_AM_I, postgres_server.url(dbname, user=postgres_server.superuser))
    assert done.returncode != 0
    assert "Peer authentication failed" in done.stderr


def _run_pytest(tmp_path: Path, test_code: str, **env: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(test_code))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "-p", "tests.postgres", "--rootdir", str(tmp_path), str(tmp_path / "test_tiny.py")],
        env=sealed_env(PYTHONPATH=str(ROOT), **env), cwd=tmp_path, capture_output=True,
        text=True, timeout=120, check=False)


def _postgres_of(data: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if data in cmdline:
                found.append(f"{proc.name}: {cmdline}")
    return found


RECORD_DATA_DIR = """\
    def test_uses_postgres(postgres_server, postgres_url):
        with open("data-dir", "w") as f:
            f.write(str(postgres_server.data))
        assert postgres_url.startswith("postgresql:///")

    def test_then(postgres_url):
        {end}
"""


def _assert_gone(data: str) -> None:
    """No process of the server at ``data`` and no folder left; if some are (the test fails),
    they are ended here so that the failure leaves nothing running either."""
    left = _postgres_of(data)
    for _ in range(100):  # a watchdog stops it within moments of seeing the run gone
        if not left and not Path(data).exists():
            return
        time.sleep(0.1)
        left = _postgres_of(data)
    for line in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split(":", 1)[0]), signal.SIGKILL)
    shutil.rmtree(Path(data).parent, ignore_errors=True)
    pytest.fail(f"left behind: {left or data}")


@pytest.mark.parametrize(("end", "exit_code"), [("assert False", 1),
                                               ("raise KeyboardInterrupt", 2)],
                         ids=["a-test-failed", "ctrl-c"])
def test_no_postgres_is_left_after_the_run(tmp_path, end, exit_code):
    done = _run_pytest(tmp_path, RECORD_DATA_DIR.format(end=end))
    _assert_gone((tmp_path / "data-dir").read_text())
    assert done.returncode == exit_code, done.stdout


def test_no_postgres_is_left_when_the_run_is_killed(tmp_path):
    code = RECORD_DATA_DIR.format(end="import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    done = _run_pytest(tmp_path, code)
    _assert_gone((tmp_path / "data-dir").read_text())
    assert done.returncode == -signal.SIGKILL


SKIPPED_TEST = """\
    def test_one(postgres_url):
        pass

    def test_two(postgres_url):
        pass

    def test_without_postgres():
        pass
"""


def test_missing_postgres_is_a_loud_skip(tmp_path):
    done = _run_pytest(tmp_path, SKIPPED_TEST, SCOPEKEEPER_PG_BINDIR=str(tmp_path / "nowhere"))
    assert done.returncode == 0, done.stdout
    lines = [line for line in done.stdout.splitlines() if "PostgreSQL tests SKIPPED" in line
             and "[2 tests]" in line]
    assert len(lines) == 1, done.stdout
    assert str(tmp_path / "nowhere") in lines[0]
    assert "1 passed, 2 skipped" in done.stdout


def test_missing_postgres_fails_where_it_is_required(tmp_path):
    done = _run_pytest(tmp_path, SKIPPED_TEST, SCOPEKEEPER_PG_BINDIR=str(tmp_path / "nowhere"),
                       SCOPEKEEPER_REQUIRE_POSTGRES="1")
    assert done.returncode == 1, done.stdout
    assert "1 passed, 2 errors" in done.stdout
    assert "PostgreSQL is required" in done.stdout


@pytest.fixture
def failing_bindir() -> Iterator[Path]:
    """PostgreSQL programs whose initdb fails, naming the folder it was given, in a folder the
    server's account may run them from."""
    bindir = Path(tempfile.mkdtemp(prefix="sk-fake-pg-", dir="/tmp"))
    try:
        bindir.chmod(0o755)
        for tool in ("initdb", "pg_ctl", "postgres"):
            (bindir / tool).write_text('#!/bin/sh\necho "$0: error: cannot run in $2" >&2\n'
                                       "exit 1\n")
            (bindir / tool).chmod(0o755)
        yield bindir
    finally:
        shutil.rmtree(bindir)


def test_a_failing_initdb_is_a_loud_skip_and_leaves_nothing(tmp_path, failing_bindir):
    done = _run_pytest(tmp_path, SKIPPED_TEST, SCOPEKEEPER_PG_BINDIR=str(failing_bindir))
    assert done.returncode == 0, done.stdout
    line = next(line for line in done.stdout.splitlines() if "PostgreSQL tests SKIPPED" in line)
    assert f"initdb failed: {failing_bindir}/initdb: error: cannot run in " in line
    data = Path(line.split("cannot run in ")[1].split()[0])
    assert data.name == "data"
    assert not data.parent.exists()
