"""export and import: JSON round trip, forgiving CSV with every bad row reported, all or
nothing, duplicates skipped or merged; an ICS calendar a real iCalendar library reads,
with the same UIDs from one export to the next."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest

from storage.repositories import Store
from storage.workspace import Workspace
from tests.cli.test_commands import sk
from tests.factories import TODAY, make_client
from tests.ui.helpers import demo_file
from tracker.money import MAX_CENTS


@pytest.fixture
def db(tmp_path):
    return demo_file(tmp_path / "agency.json")


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()
            and not p.name.endswith(".review")}


def test_json_export_round_trips_into_an_empty_file(db, tmp_path):
    Workspace(db, user="priya", clock=lambda: TODAY).act.log(
        Store(db).clients.all()[0], __import__("tracker.models", fromlist=["x"]).InteractionKind
        .EMAIL, TODAY, "line one\nline two, with \"quotes\" and ; semicolons")
    out = tmp_path / "export.json"
    sk("export", "--format", "json", "-o", str(out), db=db, check=True)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "scopekeeper-export" and doc["tables"]["clients"]
    target = tmp_path / "new" / "agency.json"
    res = sk("import", str(out), db=target, check=True)
    assert res.stdout.startswith("imported ") and "ids kept" in res.stdout
    assert Store(target).load_agency() == Store(db).load_agency()  # identical records


CLIENTS_CSV = (
    "Client Name;MONTHLY FEE;start_date;E-mail;Main Contact;Status Calls;Remote;Shoe size\n"
    "Acme Bakery;1,200;2026-01-05;ann@acme.example;Ann Lee;weekly;no;42\n"
    "Copperline Coffee;900;Jan 3;;;biweekly;no;\n"        # already a client
    "Zeta Dental;lots;2026-02-01;;;monthly;yes;\n"         # bad fee
    "Omega Spa;500;someday;;;weekly;no;\n"                 # bad date
    ";700;2026-02-01;;;weekly;no;\n"                       # no name
    "Kappa Labs;800;2026-03-01;;;daily;no;\n"              # bad frequency
)


def test_a_csv_with_bad_rows_reports_each_with_its_line_and_writes_nothing(db, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CLIENTS_CSV, encoding="utf-8")
    before = files(db.parent)
    out = sk("import", str(sheet), db=db)
    assert out.returncode == 2
    lines = out.stderr.splitlines()
    assert lines[0] == f"note: {sheet}: column not used: Shoe size"
    assert f"{sheet}:4: fee: not an amount: 'lots'" in out.stderr
    assert f"{sheet}:5: start: " in out.stderr and "someday" in out.stderr
    assert f"{sheet}:6: Name: is required" in out.stderr
    assert f"{sheet}:7: status calls: weekly, biweekly, monthly or none (got 'daily')" \
        in out.stderr
    assert lines[-1] == (f"scopekeeper: error: 4 problem(s) in {sheet}; nothing was imported")
    assert files(db.parent) == before


def test_odd_headers_duplicates_skipped_or_merged(db, tmp_path):
    good = "\n".join(CLIENTS_CSV.splitlines()[:3]) + "\n"
    sheet = tmp_path / "clients.csv"
    sheet.write_text(good, encoding="utf-8")
    dry = sk("import", str(sheet), "--dry-run", db=db, check=True)
    assert dry.stdout.splitlines() == [
        "would import 1 clients from 2 row(s)", "would leave out 1 row(s):",
        f"{sheet}:3: client 'Copperline Coffee': skipped: the name is taken by 'Copperline "
        "Coffee' (already in the data); --duplicates merge adds its records to that client"]
    assert not any(c.name == "Acme Bakery" for c in Store(db).clients.all())
    sk("import", str(sheet), db=db, check=True)
    acme = next(c for c in Store(db).clients.all() if c.name == "Acme Bakery")
    assert acme.fee_cents == 120_000 and acme.start_date.isoformat() == "2026-01-05"
    assert acme.primary_contact.name == "Ann Lee" and acme.primary_contact.email == \
        "ann@acme.example"
    again = sk("import", str(sheet), db=db, check=True)  # both are duplicates now
    assert again.stdout.splitlines()[:2] == ["imported nothing from 2 row(s)",
                                             "left out 2 row(s):"]
    assert f"{sheet}:2: client 'Acme Bakery': skipped: the name is taken by 'Acme Bakery' " \
        "(already in the data)" in again.stdout
    log = tmp_path / "log.csv"
    log.write_text("Client,Type,Date,Notes\nacme bakery,status call,2026-11-20,Kickoff\n"
                   "Nobody Ltd,email,2026-11-20,\nAcme Bakery,carrier pigeon,2026-11-20,\n",
                   encoding="utf-8")
    bad = sk("import", str(log), db=db)
    assert bad.returncode == 2 and f"{log}:3: client: no client named 'Nobody Ltd'" in bad.stderr
    assert f"{log}:4: kind: one of " in bad.stderr
    log.write_text("Client,Type,Date,Notes\nacme bakery,status call,2026-11-20,Kickoff\n",
                   encoding="utf-8")
    sk("import", str(log), db=db, check=True)
    calls = [i for i in Store(db).interactions.all() if i.client_id == acme.id]
    assert [(i.kind.value, i.notes) for i in calls] == [("status_call", "Kickoff")]


def test_csv_export_reimports_and_merge_adds_only_what_is_new(db, tmp_path):
    out = tmp_path / "out.zip"
    sk("export", "--format", "csv", "-o", str(out), db=db, check=True)
    assert sorted(zipfile.ZipFile(out).namelist()) == ["clients.csv", "interactions.csv"]
    fresh = tmp_path / "fresh" / "agency.json"
    sk("import", str(out), db=fresh, check=True)
    a, b = Store(db).load_agency(), Store(fresh).load_agency()
    assert sorted(c.name for c in a.clients) == sorted(c.name for c in b.clients)
    assert len(b.interactions) == len(a.interactions)
    strip = lambda c: replace(c, id="", rev=0, primary_contact=None, contacts=())  # noqa: E731
    assert sorted(map(strip, a.clients), key=lambda c: c.name) == sorted(
        map(strip, b.clients), key=lambda c: c.name)
    merged = sk("import", str(out), "--duplicates", "merge", db=fresh, check=True)
    rows = len(a.clients) + len(a.interactions)
    assert merged.stdout.splitlines()[:2] == [f"imported nothing from {rows} row(s)",
                                              f"left out {rows} row(s):"]
    assert sum(": already there: " in line for line in merged.stdout.splitlines()) == \
        len(a.interactions)
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    assert sorted(p.name for p in folder.iterdir()) == ["clients.csv", "interactions.csv"]
    refused = sk("export", "--format", "csv", "-o", str(folder), db=db)
    assert refused.returncode == 2 and "exists; use --force" in refused.stderr


def events(ics: bytes) -> list:
    cal = icalendar.Calendar.from_ical(ics)
    return [c for c in cal.walk() if c.name == "VEVENT"]


def test_ics_is_read_by_an_icalendar_library_with_stable_uids(db, tmp_path):
    Workspace(db, user="t", clock=lambda: TODAY).act.save(replace(
        next(c for c in Store(db).clients.all() if c.name == "Bayview Hotels"),
        name="Bayview, Hotels; \\ and\r\nBEGIN:VEVENT"))  # hostile name
    paths = [tmp_path / "one.ics", tmp_path / "two.ics"]
    for path in paths:
        sk("export", "--format", "ics", "--days", "30", "-o", str(path), db=db, check=True)
    first = paths[0].read_bytes()
    one, two = events(first), events(paths[1].read_bytes())
    assert len(one) > 20
    assert [str(e["UID"]) for e in one] == [str(e["UID"]) for e in two]
    assert len({str(e["UID"]) for e in one}) == len(one)
    kinds = {str(e["CATEGORIES"].cats[0]) for e in one}
    assert kinds == {"status call", "monthly report", "visit"}
    hostile = [e for e in one if "Bayview" in str(e["SUMMARY"])]
    assert hostile and all("BEGIN:VEVENT" in str(e["SUMMARY"]) for e in hostile)  # as text
    assert b"\n" not in first.replace(b"\r\n", b"")  # every line ends in CRLF
    assert max(len(line) for line in first.split(b"\r\n")) <= 75  # folded
    for e in one:
        start, end = e["DTSTART"].dt, e["DTEND"].dt
        assert end > start and (start - TODAY).days <= 31


def test_bad_export_and_import_input(db, tmp_path):
    assert "csv needs -o" in sk("export", "--format", "csv", db=db).stderr
    assert sk("import", str(tmp_path / "none.csv"), db=db).returncode == 2
    weird = tmp_path / "weird.csv"
    weird.write_bytes(b"\xff\xfe\x00n\x00a")
    out = sk("import", str(weird), db=db)
    assert out.returncode == 2 and "not UTF-8 text" in out.stderr


def test_csv_fees_are_written_to_the_cent_however_large(tmp_path):
    db = tmp_path / "agency.json"
    fee = MAX_CENTS - 1  # the largest fee there may be: a float would not hold it exactly
    Workspace(db, user="t", clock=lambda: TODAY).act.save(make_client(id="cli_big",
                                                                      fee_cents=fee))
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    text = (folder / "clients.csv").read_text(encoding="utf-8")
    assert f'"{fee // 100}.{fee % 100:02d}"' in text
