from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from tinydb import TinyDB

from storage.engine.formats import SCHEMA_VERSION
from storage.errors import NotFound, StorageError
from storage.paths import Places, data_path
from storage.repositories import TABLES, Store
from tests.factories import (
    TODAY,
    make_access,
    make_assignment,
    make_budget,
    make_client,
    make_contact_change,
    make_interaction,
    make_member,
    make_nps,
    make_request,
)
from tracker.demo import make_demo
from tracker.models import (
    Activity,
    CallFrequency,
    Contact,
    InteractionKind,
    Outcome,
    ScopeItem,
    SignState,
    Snooze,
)
from tracker.validation import ValidationError

CLIENT = make_client(
    name="Zoë 会議 [bold]x[/]", remote=True, location="Denver", freq=CallFrequency.BIWEEKLY,
    primary_contact=Contact(id="con_1", name="Ann", email="ann@example.com"),
    contacts=(Contact(id="con_2", name="Bo"),), channel_url="https://slack.example/c",
    comm_rules="No unscheduled calls",
)
MEMBER = make_member(max_clients=4, login="ana")
ONE_OF_EACH = [
    CLIENT, MEMBER, make_assignment(CLIENT, MEMBER),
    ScopeItem(id="scp_1", client_id=CLIENT.id, title="Audit", due=TODAY, fee_cents=10),
    make_request(CLIENT, estimated_hours=2.5, fee_cents=50_000),
    make_interaction(CLIENT, InteractionKind.IN_PERSON_VISIT, TODAY, notes="line1\nline2"),
    make_nps(CLIENT, 4, comment="slow"), make_budget(CLIENT, 100, 50, savings=True),
    make_access(CLIENT), make_contact_change(CLIENT),
    SignState(id="sgn_1", client_id=CLIENT.id, sign_key="k", acknowledged_on=TODAY, note="n"),
    Snooze(id="snz_1", item_key="k", until=TODAY),
    Activity(id="act_1", client_id=CLIENT.id, on=TODAY, title="Landing page A/B test",
             test=True, result="+12% sign-ups", outcome=Outcome.WIN),
]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "scopekeeper.json"


def test_every_table_is_covered_by_the_round_trip():
    assert {type(r) for r in ONE_OF_EACH} == set(TABLES)


@pytest.mark.parametrize("record", ONE_OF_EACH, ids=lambda r: type(r).__name__)
def test_each_record_round_trips_through_a_real_file(path, record):
    saved = Store(path).repo(type(record)).save(record)
    assert saved == replace(record, rev=1)
    again = Store(path).repo(type(record))
    assert again.get(record.id) == saved
    assert again.all() == (saved,)
    Store(path).compact()  # and through the compacted TinyDB file
    assert Store(path).repo(type(record)).all() == (saved,)


def test_file_is_plain_tinydb_json_with_schema_and_string_ids(path):
    store = Store(path)
    store.clients.save(CLIENT)
    store.compact()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data["_meta"].values()) == [{"format": "scopekeeper", "schema": SCHEMA_VERSION,
                                             "seq": 1}]
    (doc,) = data["clients"].values()
    assert doc["id"] == CLIENT.id and doc["start_date"] == CLIENT.start_date.isoformat()
    assert doc["rev"] == 1
    assert doc["cadence"]["status_call"] == "biweekly"
    assert doc["name"] == "Zoë 会議 [bold]x[/]"
    assert TinyDB(path).table("clients").all()[0]["name"] == CLIENT.name  # stock TinyDB reads it


def test_save_replaces_by_id_and_delete_removes(path):
    store = Store(path)
    saved = store.clients.save(CLIENT)
    again = store.clients.save(replace(saved, fee_cents=1))
    assert [(c.fee_cents, c.rev) for c in store.clients.all()] == [(1, 2)]
    store.clients.delete(again)
    assert store.clients.all() == ()
    with pytest.raises(NotFound, match="no Client with id"):
        store.clients.get(CLIENT.id)
    with pytest.raises(NotFound):
        store.clients.delete(CLIENT.id)


def test_invalid_record_names_the_field_and_writes_nothing(path):
    store = Store(path)
    with pytest.raises(ValidationError, match="Name: is required"):
        store.clients.save(replace(CLIENT, name=" "))
    assert not path.exists()
    store.clients.save(CLIENT)
    before = path.read_bytes()
    with pytest.raises(ValidationError, match="NPS: is a score from 0 to 10"):
        store.nps.save(make_nps(CLIENT, 11))
    with pytest.raises(ValidationError, match="Monthly fee: must not be negative"):
        store.clients.save_many([make_client(), replace(CLIENT, fee_cents=-1)])
    assert path.read_bytes() == before


def test_another_store_sees_a_write_on_its_next_read(path):
    a, b = Store(path), Store(path)
    saved = a.clients.save(CLIENT)
    assert b.clients.all() == (saved,)
    b.clients.save(replace(saved, name="Renamed"))
    assert a.clients.get(CLIENT.id).name == "Renamed"


def test_whole_agency_round_trip(path):
    agency = make_demo(TODAY)
    store = Store(path)
    store.replace_all(agency)
    loaded = Store(path).load_agency()
    assert loaded.clients == tuple(replace(c, rev=1) for c in agency.clients)
    assert loaded.interactions == tuple(replace(i, rev=1) for i in agency.interactions)


def test_writes_leave_no_temp_files_and_are_private(path):
    store = Store(path)
    for r in ONE_OF_EACH:
        store.repo(type(r)).save(r)
    store.compact()
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "backups", "scopekeeper.json", "scopekeeper.json.audit", "scopekeeper.json.journal",
        "scopekeeper.json.lock"]
    for p in path.parent.rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_missing_file_is_a_new_empty_database_and_is_not_created_by_reading(path):
    store = Store(path)
    assert store.is_empty() and store.load_agency().clients == ()
    assert not path.parent.exists()


BAD_FILES = {
    "empty": (b"", "the file is empty"),
    "blank": (b"  \n", "the file is empty"),
    "garbage": (b"\x00\xffnot json", "not valid JSON"),
    "truncated": (b'{"_meta": {"1": {"format": "scopekeeper", "sch', "not valid JSON"),
    "list": (b"[1, 2]", "not a TinyDB data file"),
    "not-ours": (b'{"_default": {"1": {"a": 1}}}', "not a scopekeeper data file"),
    "no-schema": (b'{"_meta": {"1": {"format": "scopekeeper"}}}', "schema version missing"),
    "newer": (json.dumps({"_meta": {"1": {"format": "scopekeeper", "schema": 99}}}).encode(),
              "written by a newer scopekeeper (schema 99"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_with_one_line_naming_it_and_left_untouched(path, name):
    content, message = BAD_FILES[name]
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(StorageError) as e:
        Store(path)
    assert str(path) in str(e.value) and message in str(e.value)
    assert "\n" not in str(e.value)
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    ("doc", "message"),
    [({"name": "x"}, "field 'id' is missing"),
     ({"id": "c", "name": "x", "start_date": "2026-02-30"}, "start_date: expected a date"),
     ({"id": "c", "name": "x", "start_date": "2026-01-01", "status": "gone"},
      "status: expected one of prospect, active, paused, churned"),
     ({"id": "c", "name": "x", "start_date": "2026-01-01", "fee_cents": "10"},
      "fee_cents: expected a whole number"),
     ({"id": "c", "name": "x", "start_date": "2026-01-01", "colour": "red"},
      "unknown field 'colour'")],
    ids=["missing-id", "bad-date", "bad-enum", "bad-money", "unknown-field"],
)
def test_bad_document_names_table_document_and_field(path, doc, message):
    path.parent.mkdir(parents=True)
    data = {"_meta": {"1": {"format": "scopekeeper", "schema": SCHEMA_VERSION}},
            "clients": {"7": doc}}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StorageError) as e:
        Store(path).load_agency()
    assert f"{path}: table 'clients', document 7: " in str(e.value)
    assert message in str(e.value)


def test_a_directory_is_not_a_data_file(tmp_path):
    with pytest.raises(StorageError, match="is a directory"):
        Store(tmp_path)


@pytest.mark.parametrize(
    ("flag", "env", "expected"),
    [("/x/flag.json", {"SCOPEKEEPER_DB": "/x/env.json"}, "/x/flag.json"),
     (None, {"SCOPEKEEPER_DB": "/x/env.json"}, "/x/env.json"),
     (None, {"XDG_DATA_HOME": "/x/xdg"}, "/x/xdg/scopekeeper/scopekeeper.json"),
     (None, {"XDG_DATA_HOME": "relative/ignored"}, "/h/.local/share/scopekeeper/scopekeeper.json"),
     (None, {}, "/h/.local/share/scopekeeper/scopekeeper.json"),
     ("~/mine.json", {}, "/h/mine.json"), (None, {"SCOPEKEEPER_DB": "~/env.json"}, "/h/env.json")],
    ids=["flag-wins", "env", "xdg", "relative-xdg-ignored", "default", "tilde-flag", "tilde-env"],
)
def test_data_path_precedence(flag, env, expected):
    assert data_path(flag, Places(home=Path("/h"), env=env)) == Path(expected)


def test_a_path_through_a_file_is_refused_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(StorageError, match=r"data.json: cannot read: Not a directory"):
        Store(blocker / "data.json")
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_a_write_that_fails_says_so_in_one_line():
    store = Store("/proc/scopekeeper-test.json")  # readable as missing, never writable
    # the file at fault is named: the lock, the first file a save makes
    with pytest.raises(StorageError, match=r"^/proc/scopekeeper-test.json.lock: cannot write: "):
        store.clients.save(CLIENT)
    assert store.clients.all() == ()
