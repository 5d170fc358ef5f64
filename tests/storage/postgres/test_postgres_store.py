"""What the PostgreSQL backend does beyond the contract suite: a client killed in the middle
of a save leaves nothing of it; backups are the database's own tools; a database that
cannot be reached is one line naming it (never its password); ``open_storage`` picks it for
a database URL; watchers LISTENing hear each committed change."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from storage.backends import open_storage
from storage.errors import Conflict, StorageError
from storage.postgres.connection import CHANNEL
from storage.postgres.store import PgStore
from tests.factories import TODAY, make_client
from tests.pg_server import other_logins, python_as
from tests.sealed import sealed_env
from tests.storage.workers import CLIENT
from tracker.models import Interaction
from tracker.settings import DEFAULT_THRESHOLDS

ROOT = Path(__file__).resolve().parents[3]


def writing(url: str, app: str) -> bool:
    """The process named ``app`` is inside a transaction that has written."""
    with psycopg.connect(url) as c:
        row = c.execute("select count(*) from pg_stat_activity where application_name = %s "
                        "and backend_xid is not null", (app,)).fetchone()
    return bool(row and row[0])


def test_a_client_killed_in_the_middle_of_a_large_save_leaves_nothing_of_it(postgres_url):
    PgStore(postgres_url, "ann").save([CLIENT])
    seen = PgStore(postgres_url).token()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.contract.worker", "postgresql", postgres_url, "kim",
         "20000", "big", "together"], cwd=ROOT, env=sealed_env(PGAPPNAME="killed"))
    deadline = time.monotonic() + 120
    while not writing(postgres_url, "killed"):
        assert worker.poll() is None, "the save ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    after = PgStore(postgres_url, "bo")
    assert after.records(Interaction) == () and after.token() == seen
    assert [e.by for e in after.history()] == ["ann"]
    (saved,) = after.save([make_client(name="After")])  # nothing left locked either
    assert saved.rev == 1


def test_backups_are_the_databases_own_tools(postgres_url):
    storage = PgStore(postgres_url)
    storage.save([make_client(name="Acme")])
    for attempt in (storage.keep_backup, lambda: storage.restore("latest")):
        with pytest.raises(StorageError, match="pg_dump") as e:
            attempt()
        assert "\n" not in str(e.value)
    storage.compact()  # nothing beside the records to fold in: nothing changes
    assert [c.name for c in PgStore(postgres_url).load_agency().clients] == ["Acme"]


def test_a_database_that_cannot_be_reached_is_one_line_without_its_password(tmp_path):
    url = f"postgresql://ann:s3cret@/nowhere?host={tmp_path}"
    with pytest.raises(StorageError) as e:
        PgStore(url)
    assert "nowhere" in str(e.value) and "s3cret" not in str(e.value)
    assert "\n" not in str(e.value)
    PgStore(url, lazy=True)  # lazy: nothing tried until the first read


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_a_database_url_opens_postgresql_and_a_path_the_data_file(postgres_url, tmp_path, scheme):
    url = scheme + postgres_url.removeprefix("postgresql")
    storage = open_storage(url, author="ann", clock=lambda: TODAY,
                           thresholds=DEFAULT_THRESHOLDS)
    storage.save([make_client(name="Acme")])
    with psycopg.connect(postgres_url) as c:
        assert c.execute("select doc->>'name' from clients").fetchall() == [("Acme",)]
    path = tmp_path / "agency.json"
    open_storage(str(path), author="ann", clock=lambda: TODAY,
                 thresholds=DEFAULT_THRESHOLDS).save([make_client(name="Filed")])
    assert path.exists()


def test_the_audit_trail_names_the_database_role_beside_the_login(postgres_url):
    PgStore(postgres_url, "ann").save([make_client(name="Acme")])
    with psycopg.connect(postgres_url) as c:
        role = c.execute("select session_user").fetchone()
        assert c.execute("select login, db_role from audit").fetchall() == [
            ("ann", role[0] if role else None)]


def test_a_save_notifies_listeners_when_it_commits_and_a_refused_one_does_not(postgres_url):
    storage = PgStore(postgres_url, "ann")
    (client,) = storage.save([make_client(name="Acme")])
    with psycopg.connect(postgres_url, autocommit=True) as watcher:
        watcher.execute(f"listen {CHANNEL}")
        with pytest.raises(Conflict):
            PgStore(postgres_url, "bo").save([replace(client, rev=0)])
        assert list(watcher.notifies(timeout=0.2)) == []
        PgStore(postgres_url, "bo").save([replace(client, name="Acme Co")])
        (heard,) = watcher.notifies(timeout=5, stop_after=1)
    assert heard.payload == str(storage.token())


def test_a_save_waits_for_a_stuck_change_only_so_long_and_writes_nothing(postgres_url):
    PgStore(postgres_url).is_empty()  # the tables made
    with psycopg.connect(postgres_url) as stuck:  # a session that began a change, and sits
        stuck.execute("update change_counter set seq = seq")
        with pytest.raises(StorageError, match=r"held the database for over 0\.3 s") as e:
            PgStore(postgres_url, lock_timeout=0.3).save([make_client(name="Late")])
        assert "\n" not in str(e.value)
        stuck.rollback()
    assert PgStore(postgres_url).load_agency().clients == ()
    (saved,) = PgStore(postgres_url).save([make_client(name="Now")])
    assert saved.rev == 1


SAVE_AS = """import sys
from storage.postgres.store import PgStore
from tests.factories import make_client
PgStore(sys.argv[1], author=sys.argv[2]).save([make_client(name="From " + sys.argv[2],
                                                        id="cli_" + sys.argv[2])])
"""


@pytest.mark.skipif(not other_logins(), reason="acting as another Unix login needs root, "
                                               "and an account such as nobody")
def test_another_unix_login_saves_as_its_own_database_role(postgres_server, postgres_url):
    """Peer authentication: the role is the login; the trail keeps it beside the author."""
    PgStore(postgres_url, author="ann").save([make_client(name="Acme")])
    other = postgres_server.create_role(other_logins()[0], superuser=True)
    done = python_as(other, SAVE_AS, postgres_url + f"&user={other}", other)
    assert done.returncode == 0, done.stderr
    with psycopg.connect(postgres_url) as c:
        me = c.execute("select session_user").fetchone()
        trail = c.execute("select login, db_role from audit order by seq").fetchall()
    assert me is not None and trail == [("ann", me[0]), (other, other)]


NO_DRIVER = """import sys
from storage.backends import open_storage
from tracker.settings import DEFAULT_THRESHOLDS
open_storage(sys.argv[1], author="ann", clock=None, thresholds=DEFAULT_THRESHOLDS).is_empty()
print("psycopg" in sys.modules)
"""


def test_a_data_file_opens_without_loading_the_database_driver(tmp_path):
    """The TinyDB engine's every start does not pay for PostgreSQL's driver (~30 ms)."""
    done = subprocess.run([sys.executable, "-c", NO_DRIVER, str(tmp_path / "agency.json")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "False\n"), done.stderr


READ_THEN_SAVE = """import sys
from storage.errors import StorageError
from storage.postgres.store import PgStore
from tests.factories import make_client
store = PgStore(sys.argv[1], author=sys.argv[2])
print(len(store.load_agency().clients))
try:
    store.save([make_client(name="From " + sys.argv[2], id="cli_" + sys.argv[2])])
    print("saved")
except StorageError as e:
    print(e)
"""


def _docs_roles_sql(dbname: str) -> list[str]:
    """The statements docs/postgresql.md gives for the roles, for database ``dbname`` (the
    database itself is the test's: its CREATE and psql's \\connect are left out)."""
    text = (ROOT / "docs" / "postgresql.md").read_text(encoding="utf-8")
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    lines = [ln for ln in block.splitlines() if not ln.startswith(("--", "\\connect"))
             and not ln.startswith("CREATE DATABASE")]
    return [s.strip().replace("DATABASE agency", f'DATABASE "{dbname}"')
            for s in "\n".join(lines).split(";") if s.strip()]


@pytest.mark.skipif(len(other_logins()) < 2, reason="acting as other Unix logins needs root, "
                                                    "and two accounts such as nobody, daemon")
def test_the_documented_roles_let_a_reader_read_and_a_member_change(postgres_server,
                                                                     postgres_url):
    """docs/postgresql.md's roles, as written: tables made by the admin role; a reader reads
    and is refused a change in one line; a member changes."""
    dbname = psycopg.conninfo.conninfo_to_dict(postgres_url)["dbname"]
    with psycopg.connect(postgres_url, autocommit=True) as c:
        for statement in _docs_roles_sql(str(dbname)):
            # the roles are the server's: another test of this run may have made them
            with contextlib.suppress(psycopg.errors.DuplicateObject):
                c.execute(statement)  # type: ignore[arg-type]  # the docs' own SQL
    admin = postgres_url + "&options=-c%20role%3Dscopekeeper_admin"
    PgStore(admin, author="ops").save([make_client(name="Acme")])  # makes the tables
    reader, member = other_logins()[:2]
    for login, role in ((reader, "scopekeeper_reader"), (member, "scopekeeper_member")):
        postgres_server.create_role(login)
        with psycopg.connect(postgres_url, autocommit=True) as c:
            c.execute(psycopg.sql.SQL("GRANT {} TO {}").format(
                psycopg.sql.Identifier(role), psycopg.sql.Identifier(login)))
    read = python_as(reader, READ_THEN_SAVE, postgres_url + f"&user={reader}", reader)
    assert read.returncode == 0, read.stderr
    first, refusal = read.stdout.splitlines()
    assert first == "1" and refusal.endswith(
        "your database role may not do this (reading needs the role scopekeeper_reader, "
        "changing scopekeeper_member: ask an admin, see docs/postgresql.md); nothing was saved")
    wrote = python_as(member, READ_THEN_SAVE, postgres_url + f"&user={member}", member)
    assert wrote.returncode == 0 and wrote.stdout.splitlines() == ["1", "saved"], wrote.stderr
    names = sorted(c.name for c in PgStore(postgres_url).load_agency().clients)
    assert names == ["Acme", f"From {member}"]


def test_a_change_does_not_wait_behind_a_long_read_and_a_store_opens_two_connections_at_most(
        postgres_url):
    """The app reads in the background (the day's first review takes seconds on a large
    agency) while the person saves or opens a client: those run on a second connection.
    A third thread at once waits for one of the two to be given back; once nobody needs
    two, one is kept open (a server's connections are shared by everyone's apps)."""
    import threading

    from tests.factories import make_interaction
    from tracker.models import InteractionKind

    def backends() -> int:
        with psycopg.connect(postgres_url) as c:
            row = c.execute("select count(*) - 1 from pg_stat_activity "
                            "where datname = current_database()").fetchone()
        return int(row[0]) if row else -1

    store = PgStore(postgres_url, "ann")
    (client,) = store.save([make_client(name="Acme")])
    holding, release = threading.Event(), threading.Event()

    def long_read(holding: threading.Event = holding) -> None:
        with store._connection() as conn:
            conn.execute("select 1")
            holding.set()
            release.wait(60)

    reader = threading.Thread(target=long_read)
    reader.start()
    try:
        assert holding.wait(20)
        saved = threading.Event()
        note = make_interaction(client, InteractionKind.EMAIL, TODAY, notes="while reading")

        def save() -> None:
            store.save([note])
            saved.set()

        threading.Thread(target=save, daemon=True).start()
        assert saved.wait(20), "the change waited for the read"
        assert [i.notes for i in store.client_records(client.id).interactions] == [
            "while reading"]
        assert backends() == 2
        third = threading.Event()
        with store._connection() as conn:  # both in use now: a third thread waits
            conn.execute("select 1")
            waiting = threading.Thread(target=long_read, args=(third,), daemon=True)
            waiting.start()
            time.sleep(0.5)  # (a sleep, not a wait that must time out: that hangs under
            assert not third.is_set() and backends() == 2  # faketime, make test-anyday)
        assert third.wait(20) and backends() == 2  # it had the one given back
    finally:
        release.set()
        reader.join()
    waiting.join()

    def settles_at(n: int) -> bool:  # a server ends a closed connection's backend a moment
        for _ in range(200):  # later
            if backends() == n:
                return True
            time.sleep(0.05)
        return False

    assert settles_at(1)  # once nobody needs two, one is kept open
    store.close()
    assert settles_at(0)
    assert [c.name for c in store.records(type(client))] == ["Acme"]  # opened again
    store.close()
