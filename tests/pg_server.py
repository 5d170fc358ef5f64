"""A throwaway PostgreSQL server for the tests (and ``make bench``): ``initdb`` into a fresh temporary folder,
started listening on a Unix socket only (no TCP port at all), stopped and removed at the end.

The server runs as an unprivileged account (PostgreSQL refuses root): the ``postgres`` system
account when the tests run as root, else the tests' own account. Its bootstrap superuser is
named after the tests' own login, so the tests connect with peer authentication and no
password, exactly as the app connects on a server. :func:`start` raises
:class:`Unavailable` with one line saying why when no server can be had.

A watchdog process holds a pipe from this process: when this process ends without stopping
the server (``kill -9``, a crashed xdist worker), the pipe closes and the watchdog stops the
server and removes its folder, so no postgres is ever left behind.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from tests.sealed import sealed_env

#: Tried in this order for the account that runs the server when the tests run as root.
SERVER_ACCOUNTS = ("postgres", "nobody")

#: Stops the server (as its account) and removes its folder once stdin closes: run by
#: :func:`_watch` as ``python -c WATCHDOG PG_CTL DATA BASE -- SETPRIV...``.
WATCHDOG = """\
import os, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.stdin.buffer.read()
pg_ctl, data, base, *as_user = sys.argv[1:]
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run([*as_user[1:], pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
shutil.rmtree(base, ignore_errors=True)
"""


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why, on one line."""


def find_bindir(override: str | None = None, sealed: bool = True) -> Path:
    """The folder with ``initdb``, ``pg_ctl`` and ``postgres``: ``override`` if given (the
    tests' ``SCOPEKEEPER_PG_BINDIR``), else the newest Debian ``/usr/lib/postgresql/*/bin``,
    else ``pg_config --bindir``, else wherever ``initdb`` is on ``PATH`` (``.ci/run`` looks
    in the same order)."""
    candidates: list[str] = []
    if override is not None:
        candidates.append(override)
    else:
        candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True)
        pg_config = shutil.which("pg_config")
        if pg_config:
            probe = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                   env=_env(sealed), check=False)
            if probe.returncode == 0:
                candidates.append(probe.stdout.strip())
        initdb = shutil.which("initdb")
        if initdb:
            candidates.append(str(Path(initdb).parent))
    for candidate in candidates:
        if all(os.access(Path(candidate) / tool, os.X_OK)
               for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    where = override or "/usr/lib/postgresql/*/bin, pg_config --bindir or PATH"
    raise Unavailable(f"no initdb, pg_ctl and postgres in {where} "
                      "(Debian: apt-get install postgresql)")


def _version(bindir: str) -> list[int]:
    return [int(part) if part.isdigit() else 0 for part in Path(bindir).parent.name.split(".")]


@dataclass(frozen=True, slots=True)
class Account:
    """The Unix account the server runs as, and how to run a command as it."""

    name: str
    uid: int
    gid: int

    def command(self) -> list[str]:
        if self.uid == os.geteuid():
            return []
        return ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", "--"]


def server_account() -> Account:
    """Whoever may run postgres: this process's own account unless it is root."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return Account(name=me.pw_name, uid=me.pw_uid, gid=me.pw_gid)
    if not shutil.which("setpriv"):
        raise Unavailable("running as root and no setpriv to start postgres as another account")
    for name in SERVER_ACCOUNTS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return Account(name=entry.pw_name, uid=entry.pw_uid, gid=entry.pw_gid)
    raise Unavailable(f"running as root and none of the accounts {', '.join(SERVER_ACCOUNTS)} "
                      "exists to start postgres as")


def login() -> str:
    """The login this process connects as (peer authentication: the database role)."""
    return pwd.getpwuid(os.geteuid()).pw_name


@dataclass
class Server:
    """A running throwaway server. ``url(...)`` gives libpq/psycopg connection URLs."""

    bindir: Path
    base: Path  # the temporary folder holding data/ and the socket
    account: Account
    superuser: str
    sealed: bool = True  # started by the tests (False: by make bench)
    _watchdog: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _databases: int = 0
    made: list[str] = field(default_factory=list, repr=False)  # by the test running now

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        """``postgresql:///DBNAME?host=SOCKDIR`` (``&user=USER`` to connect as another role;
        peer authentication then needs the connecting process to be that Unix login)."""
        url = f"postgresql:///{quote(dbname, safe='')}?host={quote(str(self.socket_dir), safe='')}"
        return url if user is None else f"{url}&user={quote(user, safe='')}"

    def create_database(self, *, owner: str | None = None, template: str = "template0",
                        keep: bool = False) -> str:
        """A new database, empty (from ``template0``, which nothing can have changed) or a
        copy of ``template`` (one a test prepared: a schema made once, copied cheaply);
        its name. Listed in ``made`` (its sessions ended after the test: ``end_sessions``)
        unless ``keep`` (a template, for the whole run)."""
        self._databases += 1
        name = f"test_{os.getpid()}_{self._databases}"
        if not keep:
            self.made.append(name)
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template))
        if owner is not None:
            statement = sql.SQL("{} OWNER {}").format(statement, sql.Identifier(owner))
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)
        return name

    def end_sessions(self) -> None:
        """End the sessions still connected to the databases in ``made`` (a test's), and
        forget them (ending is quick; dropping each would cost a checkpoint)."""
        names, self.made = self.made, []
        if names:
            with psycopg.connect(self.url(), autocommit=True) as conn:
                conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = ANY(%s)", (names,))

    def drop_database(self, name: str) -> None:
        """Drop ``name``, ending whatever sessions are still connected to it."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))

    def create_role(self, name: str, *, superuser: bool = False) -> str:
        """A login role ``name`` (made, or set to ``superuser`` as asked), for a process of
        the Unix login ``name`` to connect as by peer authentication (see
        :func:`other_logins`). Returns ``name``."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            # as asked even if an earlier test of this server made it otherwise
            verb = "CREATE" if exists is None else "ALTER"
            conn.execute(sql.SQL("{} ROLE {} LOGIN {}").format(
                sql.SQL(verb), sql.Identifier(name),
                sql.SQL("SUPERUSER" if superuser else "NOSUPERUSER")))
        return name

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        """Stop the server and remove its folder (safe to call twice)."""
        if self.data.exists():
            # fast: end the sessions and stop; immediate if that does not end in time
            for mode, wait in (("fast", "30"), ("immediate", "10")):
                stopped = _run([*self.account.command(), str(self.bindir / "pg_ctl"), "-D",
                                str(self.data), "-m", mode, "-w", "-t", wait, "stop"],
                               "pg_ctl stop", sealed=self.sealed, check=False)
                if stopped:
                    break
        shutil.rmtree(self.base, ignore_errors=True)
        if self._watchdog is not None:
            if self._watchdog.stdin is not None:
                self._watchdog.stdin.close()
            self._watchdog.wait(timeout=30)
            self._watchdog = None


#: Accounts every Debian system has, to be "another person" connecting by peer
#: authentication: the server looks the connecting uid up in /etc/passwd, so the made-up
#: uids of tests/accounts.py cannot connect.
OTHER_LOGINS = ("nobody", "daemon")


def other_logins() -> list[str]:
    """Logins other than this process's that a test may act as (root only: none else)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    found = []
    for name in OTHER_LOGINS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        found.append(name)
    return found


def python_as(login_name: str, code: str, *args: str,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS`` as the Unix account ``login_name`` (one of
    :func:`other_logins`), with this checkout and its dependencies (psycopg) importable: it
    connects to ``server.url(db, user=login_name)`` as itself, by peer authentication."""
    entry = pwd.getpwnam(login_name)
    site = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" \
        / "site-packages"
    return subprocess.run(
        ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups", "--",
         sys.executable, "-c", code, *args],
        env=sealed_env(PYTHONPATH=f"{Path(__file__).resolve().parents[1]}:{site}",
                       HOME="/nonexistent"),
        cwd="/", capture_output=True, text=True, timeout=timeout, check=False)


def _env(sealed: bool) -> dict[str, str]:
    # sealed like every process a test starts (no PG* variable of the developer's reaches
    # initdb or pg_ctl), with the system's programs only; ``make bench`` is no test (nothing
    # sealed os.environ, which sealed_env checks), so it gets the PG*-free environment alone
    if sealed:
        env = sealed_env(PATH="/usr/bin:/bin", LC_ALL="C.UTF-8")
    else:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
        env.update(PATH="/usr/bin:/bin", LC_ALL="C.UTF-8")
    # the server is the test's machinery, not the code under test: it keeps the real clock
    # when the run's is moved (make test-anyday's faketime, an LD_PRELOAD, stalled its lock
    # timeouts, and a test waited forever for one)
    return {name: value for name, value in env.items()
            if name != "LD_PRELOAD" and not name.startswith("FAKETIME")}


def _run(args: list[str], what: str, *, sealed: bool, check: bool = True) -> bool:
    """Run a PostgreSQL program; whether it succeeded (or :class:`Unavailable` with its last
    line of complaint when ``check``)."""
    try:
        done = subprocess.run(args, env=_env(sealed), cwd="/", capture_output=True, text=True,
                              timeout=120, check=False)
    except subprocess.TimeoutExpired:
        if check:
            raise Unavailable(f"{what} did not finish in 120 s") from None
        return False
    if check and done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise Unavailable(f"{what} failed: {lines[-1] if lines else f'exit {done.returncode}'}")
    return done.returncode == 0


def start(bindir_override: str | None = None, *, sealed: bool = True) -> Server:
    """initdb and start a server in a new temporary folder; :class:`Unavailable` if not.
    ``sealed=False`` outside the tests (``make bench``)."""
    bindir = find_bindir(bindir_override, sealed)
    account = server_account()
    # in /tmp itself: reachable by the server's account, and a short socket path (108 bytes)
    base = Path(tempfile.mkdtemp(prefix="sk-postgres-", dir="/tmp"))
    server = Server(bindir=bindir, base=base, account=account, superuser=login(),
                    sealed=sealed)
    try:
        # the folder is the server's own; others may reach the socket in it, not list it
        os.chown(base, account.uid, account.gid)
        os.chmod(base, 0o711)
        as_server = account.command()
        _run([*as_server, str(bindir / "initdb"), "-D", str(server.data), "-U", server.superuser,
              "--auth-local=peer", "--auth-host=reject", "--no-sync", "-E", "UTF8",
              "--locale=C.UTF-8"], "initdb", sealed=sealed)
        server._watchdog = _watch(server)
        _run([*as_server, str(bindir / "pg_ctl"), "-D", str(server.data), "-w", "-t", "60",
              "-l", str(base / "server.log"), "-o",
              f"-c listen_addresses='' -c unix_socket_directories='{base}' -c fsync=off "
              "-c synchronous_commit=off -c full_page_writes=off", "start"], "pg_ctl start",
             sealed=sealed)
    except BaseException:
        server.stop()
        raise
    return server


def _watch(server: Server) -> subprocess.Popen[bytes]:
    # its own session: a Ctrl-C at the terminal reaches pytest (which stops the server
    # itself), not the watchdog
    return subprocess.Popen(
        [sys.executable, "-c", WATCHDOG, str(server.bindir / "pg_ctl"), str(server.data),
         str(server.base), "--", *server.account.command()],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(server.sealed),
        cwd="/", start_new_session=True)
