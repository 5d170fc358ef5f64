"""The database's schema migrations (``storage/postgres/schema.py``), like the data file's:
a new database gets the latest schema, an older one is brought up to it keeping its
records, a newer one or a foreign one is refused in one line with nothing changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from storage.errors import StorageError
from storage.postgres import schema
from storage.postgres.store import PgStore
from tests.factories import make_client
from tracker.models import Client

ROOT = Path(__file__).resolve().parents[3]


def tables(url: str) -> set[str]:
    with psycopg.connect(url) as c:
        return {str(r[0]) for r in c.execute(
            "select tablename from pg_tables where schemaname = current_schema()")}


def test_the_migrations_are_numbered_in_order_from_one():
    assert [n for n, _ in schema.MIGRATIONS] == list(range(1, schema.LATEST + 1))


def test_a_new_database_gets_the_latest_schema_and_a_second_opening_changes_nothing(postgres_url):
    PgStore(postgres_url).save([make_client(name="Acme")])
    with psycopg.connect(postgres_url) as c:
        assert schema.version(c) == schema.LATEST
        assert schema.migrate(c, "db") == schema.LATEST  # already there: nothing to do
        rows = c.execute("select count(*) from schema_version").fetchone()
    assert rows == (schema.LATEST,)
    assert [c.name for c in PgStore(postgres_url).records(Client)] == ["Acme"]


def test_an_older_schema_is_brought_up_keeping_its_records(postgres_url):
    PgStore(postgres_url).save([make_client(name="Acme")])
    later = (*schema.MIGRATIONS, (schema.LATEST + 1, (
        "alter table clients add column tier text not null default 'standard'",)))
    with psycopg.connect(postgres_url, autocommit=True) as c:
        assert schema.migrate(c, "db", later) == schema.LATEST
        assert schema.version(c) == schema.LATEST + 1
        assert c.execute("select doc->>'name', tier from clients").fetchall() == [
            ("Acme", "standard")]


def test_a_newer_schema_is_refused_in_one_line_with_nothing_changed(postgres_url):
    PgStore(postgres_url).save([make_client(name="Acme")])
    with psycopg.connect(postgres_url, autocommit=True) as c:
        c.execute("insert into schema_version (version) values (%s)", (schema.LATEST + 1,))
    with pytest.raises(StorageError, match="newer scopekeeper") as e:
        PgStore(postgres_url)
    assert "\n" not in str(e.value) and "password" not in str(e.value)
    with psycopg.connect(postgres_url) as c:
        assert c.execute("select count(*) from clients").fetchone() == (1,)


def test_a_database_holding_other_tables_is_refused_and_left_alone(postgres_url):
    with psycopg.connect(postgres_url, autocommit=True) as c:
        c.execute("create table invoices (id int)")
    with pytest.raises(StorageError, match="not scopekeeper's"):
        PgStore(postgres_url)
    assert tables(postgres_url) == {"invoices"}


def test_two_first_openings_at_once_both_work(postgres_url):
    code = ("import sys; from storage.postgres.store import PgStore; "
            "PgStore(sys.argv[1]).is_empty()")
    procs = [subprocess.Popen([sys.executable, "-c", code, postgres_url], cwd=ROOT)
             for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0] * 4
    with psycopg.connect(postgres_url) as c:
        assert schema.version(c) == schema.LATEST


def test_a_version_2_database_keeps_its_records_and_its_review_is_kept_anew(postgres_url):
    """v3 keeps each client's assessment beside its review items: the reviews a v2 database
    kept (without them) go, and the next read keeps the day again, with them."""
    from tests.factories import TODAY
    from tracker.demo import make_demo
    from tracker.review import build_review

    with psycopg.connect(postgres_url, autocommit=True) as c:
        schema.migrate(c, "db", schema.MIGRATIONS[:2])
        c.execute("insert into review_days (day, basis) values (%s, 'old')", (TODAY,))
        c.execute("insert into review_items values ('old', %s, 'cli_x', '[]')", (TODAY,))
    with psycopg.connect(postgres_url, autocommit=True) as c, \
            pytest.raises(psycopg.errors.UndefinedColumn):
        c.execute("select assessment from review_items")
    store = PgStore(postgres_url, "tester")  # brought up to the latest on opening
    with psycopg.connect(postgres_url) as c:
        assert schema.version(c) == schema.LATEST
        assert c.execute("select count(*) from review_items").fetchone() == (0,)
        assert c.execute("select count(*) from review_days").fetchone() == (0,)
    store.replace_all(make_demo(TODAY, clients=16, events=200))
    seen = store.overview(TODAY)
    assert seen.summary and seen.review == build_review(store.load_agency(), TODAY)
    store.close()
