"""compact, doctor and restore, as real processes on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB

from tests.cli.test_commands import review_json, sk


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "agency.json"
    sk("demo", db=path, check=True)
    sk("log", "lumen", "--kind", "email", "--note", "after the demo", db=path, check=True)
    return path


def journal(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def test_doctor_on_a_healthy_file(db):
    out = sk("doctor", db=db)
    assert out.returncode == 0, out.stdout
    lines = out.stdout.splitlines()
    assert lines[0].startswith("ok: agency.json: schema 4, ")
    assert "ok: agency.json.journal: 1 saved changes not yet compacted" in out.stdout
    assert lines[-1] == f"{db}: 0 error(s), 0 warning(s)"


def test_doctor_reports_damage_and_changes_nothing(db):
    damaged = journal(db).read_bytes() + b"not json\n"
    journal(db).write_bytes(damaged)
    before = db.read_bytes()
    out = sk("doctor", db=db)
    assert out.returncode == 1
    assert "error: agency.json.journal: damaged entry at byte" in out.stdout
    assert out.stdout.splitlines()[-1].endswith("1 error(s), 0 warning(s)")
    assert journal(db).read_bytes() == damaged and db.read_bytes() == before


def test_doctor_warns_of_a_killed_save_and_leftovers(db):
    with journal(db).open("ab") as f:
        f.write(b'{"seq": 9, "ops": [')
    (db.parent / f".{db.name}.x1.tmp").write_text("{", encoding="utf-8")
    out = sk("doctor", db=db)
    assert out.returncode == 0
    assert "warning: agency.json.journal: an unfinished save from a killed process" in out.stdout
    assert "warning: 1 temporary file(s) left by a killed writer" in out.stdout


@pytest.mark.parametrize(("content", "message"), [(b"", "the file is empty"),
                                                  (b"[1]", "not a TinyDB data file")],
                         ids=["empty", "not-tinydb"])
def test_doctor_on_a_broken_data_file(tmp_path, content, message):
    path = tmp_path / "agency.json"
    path.write_bytes(content)
    out = sk("doctor", db=path)
    assert out.returncode == 1 and message in out.stdout
    assert path.read_bytes() == content


def test_compact_leaves_one_file_stock_tinydb_reads(db):
    out = sk("compact", db=db, check=True)
    assert out.stdout.startswith(f"compacted {db} (")
    assert journal(db).read_bytes().count(b"\n") == 1  # only the header is left
    stock = TinyDB(db)
    assert len(stock.table("clients")) == 27
    assert any(d["notes"] == "after the demo" for d in stock.table("interactions").all())
    subprocess.run([sys.executable, "-m", "json.tool", str(db)], check=True,
                   capture_output=True)


def test_restore_brings_a_backup_back_and_keeps_the_current_data(db):
    sk("compact", db=db, check=True)
    backups = sorted((db.parent / "backups").glob("agency.*.json"))
    good = backups[-1]
    before = review_json(db)
    sk("log", "pinecrest", "--kind", "status_call", db=db, check=True)
    assert review_json(db) != before
    out = sk("restore", good.name, db=db, check=True)
    assert out.stdout.startswith(f"restored {good.name}: 27 clients")
    assert review_json(db) == before
    # what was there before the restore is itself a backup now
    newest = sorted((db.parent / "backups").glob("agency.*.json"))[-2]
    interactions = json.loads(newest.read_bytes())["interactions"].values()
    assert any(i["kind"] == "status_call" and i["client_id"] for i in interactions)


def test_restore_refuses_what_it_cannot_use(db, tmp_path):
    before = db.read_bytes()
    out = sk("restore", "no-such-backup.json", db=db)
    assert out.returncode == 1 and "no backup 'no-such-backup.json'" in out.stderr
    junk = tmp_path / "junk.json"
    junk.write_text('{"_meta": {"1": {"format": "scopekeeper", "schema": 2}}, "clients": '
                    '{"1": {"id": "x"}}}', encoding="utf-8")
    out = sk("restore", str(junk), db=db)
    assert out.returncode == 1 and "table 'clients', document 1" in out.stderr
    assert db.read_bytes() == before


def test_big_demo_then_log_then_review(tmp_path):
    path = tmp_path / "big.json"
    sk("demo", "--clients", "500", "--events", "100000", db=path, check=True)
    out = sk("log", "Northwind Outdoor", "--kind", "status call", db=path, check=True)
    assert out.stdout.startswith("logged status call with Northwind Outdoor")
    items = review_json(path)["items"]
    assert not [i for i in items if i["client"] == "Northwind Outdoor"
                and i["kind"].startswith("status_call")]
    assert sk("doctor", db=path).returncode == 0
