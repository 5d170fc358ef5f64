"""Files handed over by someone else: a zip bomb, a cell of millions of characters, JSON
nested a thousand deep, ids that break a calendar. Each is refused with one line naming the
file and what is wrong, in little memory, writing nothing; and what we export never lets
hostile text become a formula, a control sequence or a calendar property of its own.

Run as real processes; peak memory is measured in the process that imports.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest

from storage.csv_rows import RISKY
from storage.repositories import Store
from storage.workspace import Workspace
from tests.cli.test_commands import sk
from tests.factories import TODAY, make_client, make_interaction
from tests.sealed import sealed_env
from tracker.models import Contact, InteractionKind

#: scopekeeper's ``main`` in a process that says, last, how much memory it took at most:
#: the high-water mark of its own memory (VmHWM; ``ru_maxrss`` would also count the test
#: process it was forked from).
PEAK = """
import sys
from scopekeeper.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status", encoding="ascii") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(f"peak-kb {peak}", file=sys.stderr)
sys.exit(code)
"""
MB = 1024 * 1024
#: The most an import reads, uncompressed, as the README says.
LIMIT_MB = 64
#: What a refused import may take: the interpreter and our modules take about 20 MB.
SMALL_MB = 80


def import_measured(path: Path, db: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """``scopekeeper import path`` in its own process: the result and its peak memory (MB)."""
    out = subprocess.run([sys.executable, "-c", PEAK, "import", str(path), "--db", str(db)],
                         capture_output=True, text=True, timeout=120, env=sealed_env())
    assert "Traceback" not in out.stderr, out.stderr
    *lines, peak = out.stderr.splitlines()
    out.stderr = "\n".join(lines)
    return out, int(peak.removeprefix("peak-kb ")) / 1024


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "agency.json"
    acme = make_client(id="cli_acme", name="Acme Bakery")
    ws = Workspace(path, user="priya", clock=lambda: TODAY)
    ws.act.save(acme)
    ws.act.save(make_interaction(acme, InteractionKind.EMAIL, TODAY, notes="hello"))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def csv_zip(path: Path, megabytes: int, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding a clients.csv of ``megabytes`` MB, written a megabyte at a time (a few
    dozen KB on disk)."""
    row = b"Acme Bakery,a note\n"
    chunk = row * (MB // len(row))
    with zipfile.ZipFile(path, "w", method, compresslevel=9) as z, \
            z.open("clients.csv", "w") as f:
        f.write(b"name,notes\n")
        for _ in range(megabytes):
            f.write(chunk)
    return path


def lie_about_sizes(path: Path, size: int) -> None:
    """Make every header of the zip declare ``size`` uncompressed bytes."""
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.find(signature)
        while at >= 0:
            raw[at + offset:at + offset + 4] = size.to_bytes(4, "little")
            at = raw.find(signature, at + 4)
    path.write_bytes(bytes(raw))


def test_a_zip_bomb_is_refused_by_the_size_it_declares_before_anything_is_inflated(
        db, tmp_path):
    bomb = csv_zip(tmp_path / "bomb.zip", LIMIT_MB + 1)  # just over the limit
    assert bomb.stat().st_size < MB
    before = snapshot(db.parent)
    out, peak = import_measured(bomb, db)
    assert out.returncode == 1
    assert out.stderr == (f"scopekeeper: error: {bomb}!clients.csv: holds 65 MB "
                          "uncompressed; an import reads at most 64 MB in all (split it "
                          "into smaller files); nothing was imported")
    assert peak < SMALL_MB, f"{peak:.0f} MB"
    assert snapshot(db.parent) == before


def test_a_zip_whose_declared_sizes_lie_is_refused_while_inflating(db, tmp_path):
    """Inflated a megabyte at a time, never all at once: 256 MB that say they are 1,000
    bytes are refused when the bytes stop matching what the zip says."""
    bomb = csv_zip(tmp_path / "liar.zip", 4 * LIMIT_MB)
    lie_about_sizes(bomb, 1000)  # "a thousand bytes", says the zip
    assert zipfile.ZipFile(bomb).getinfo("clients.csv").file_size == 1000
    before = snapshot(db.parent)
    out, peak = import_measured(bomb, db)
    assert out.returncode == 1
    assert out.stderr.startswith(f"scopekeeper: error: {bomb}: not a readable zip (")
    assert len(out.stderr.splitlines()) == 1
    assert peak < SMALL_MB, f"{peak:.0f} MB"
    assert snapshot(db.parent) == before


def test_a_zip_compressed_with_bzip2_is_refused_before_inflating(db, tmp_path):
    """bzip2 inflates 200 bytes into 200 MB in one read: a zip of ours is deflated."""
    packed = csv_zip(tmp_path / "packed.zip", 1, zipfile.ZIP_BZIP2)
    before = snapshot(db.parent)
    out = sk("import", str(packed), db=db)
    assert out.returncode == 1
    assert out.stderr == (f"scopekeeper: error: {packed}!clients.csv: compressed in a way "
                          "we do not read (only stored or deflated: save it as an ordinary "
                          "zip)\n")
    assert snapshot(db.parent) == before


def test_a_cell_of_millions_of_characters_is_refused_at_its_line_in_little_memory(
        db, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text('name,rules\nAcme,"' + "x" * 4 * MB + '"\n', encoding="utf-8")
    before = snapshot(db.parent)
    out, peak = import_measured(sheet, db)
    assert peak < SMALL_MB, f"{peak:.0f} MB"
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f"{sheet}:2: a cell holds more than 65,536 characters (the longest text a record "
        "holds is 20,000); nothing after it was read",
        f"scopekeeper: error: 1 problem(s) in {sheet}; nothing was imported"]
    assert snapshot(db.parent) == before


def export_of(db: Path, tmp_path: Path) -> dict:
    out = tmp_path / "export.json"
    sk("export", "--format", "json", "-o", str(out), db=db, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


INJECTED = "cli_x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nATTACH:http://evil.example/x"


def test_an_id_that_is_not_an_id_is_refused_with_its_record_and_nothing_is_written(
        db, tmp_path):
    doc = export_of(db, tmp_path)
    doc["tables"]["clients"][0]["id"] = INJECTED
    doc["tables"]["interactions"][0]["client_id"] = INJECTED
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    target = tmp_path / "new" / "agency.json"
    out = sk("import", str(hostile), db=target)
    assert out.returncode == 2
    lines = hostile.read_text(encoding="utf-8").splitlines()
    at = [n for n, line in enumerate(lines, start=1) if line == "      {"]  # each record
    assert out.stderr.splitlines() == [
        f"{hostile}:{at[0]}: clients #1: id: 'cli_x\\r\\nEND:VEVENT\\r\\nBEGIN:VEVENT\\... is "
        "not an id (1 to 64 letters, digits, _ or -)",
        f"{hostile}:{at[1]}: interactions #1: client_id: 'cli_x\\r\\nEND:VEVENT\\r\\nBEGIN:"
        "VEVENT\\... is not an id (1 to 64 letters, digits, _ or -)",
        f"scopekeeper: error: 2 problem(s) in {hostile}; nothing was imported"]
    assert not target.parent.exists() or not any(target.parent.iterdir())


def test_an_id_in_a_csv_that_is_not_an_id_is_refused_at_its_line(db, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text('id,name\n"c1\r\nATTACH:x",Zeta\n', encoding="utf-8")
    before = snapshot(db.parent)
    out = sk("import", str(sheet), db=db)
    assert out.returncode == 2
    assert out.stderr.splitlines()[0] == (
        f"{sheet}:2: id: 'c1\\r\\nATTACH:x' is not an id (1 to 64 letters, digits, _ or -); "
        "correct it, or leave the column out to link interactions to clients by name")
    assert snapshot(db.parent) == before


@pytest.mark.parametrize(("change", "problem"), [
    ({"schema": "3"}, "schema is not a whole number ('3')"),
    ({"version": "1"}, "version is not a whole number ('1')"),
    ({"exported": 5}, "exported is not text (5)"),
    ({"tables": []}, "tables is not an object of tables ([])"),
    ({"tables": {"clients": 0}}, "clients: not a list of records"),
    ({"schema": True}, "schema is not a whole number (True)"),
    ({"schema": 0}, "schema is 0; it is from 1 to 4"),
    ({"version": 2}, "export version 2 (this scopekeeper reads version 1); upgrade "
                     "scopekeeper"),
    ({"extra": 1}, "unknown field 'extra'"),
], ids=["schema-text", "version-text", "exported-number", "tables-list", "table-number",
        "schema-bool", "schema-zero", "version-2", "unknown-field"])
def test_every_field_of_an_export_is_checked_with_one_line(db, tmp_path, change, problem):
    doc = export_of(db, tmp_path) | change
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    out = sk("import", str(bad), db=tmp_path / "new" / "agency.json")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.splitlines() == [f"{bad}: {problem}", f"scopekeeper: error: 1 "
                                       f"problem(s) in {bad}; nothing was imported"]


@pytest.mark.parametrize("depth", [1010, 5000])
def test_json_nested_a_thousand_deep_is_one_line(db, tmp_path, depth):
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "scopekeeper-export", "schema": 4, "tables": {"clients": ['
                    + "[" * depth + "]" * depth + "]}}", encoding="utf-8")
    out = sk("import", str(deep), db=tmp_path / "new" / "agency.json")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.splitlines()[0] == (
        f"{deep}: nested hundreds of levels deep: not a scopekeeper export (ours go 6 "
        "levels deep)")


def test_an_id_in_the_data_itself_cannot_add_a_calendar_event_or_property(db, tmp_path):
    """A colleague may edit the data file by hand: whatever it holds, the calendar has
    the events we meant, each with the properties we write and no other."""
    store = Store(db)
    agency = store.load_agency()
    twin = agency.clients[0]
    hostile = replace(twin, id=INJECTED, name="Acme, Bakery; \\ and\nBEGIN:VALARM",
                      location="x\r\nATTACH:y", channel_url="\x1b]52;c;ZWNobw==\x07",
                      primary_contact=Contact(id="con_1", name="Ann\rORGANIZER:z"))
    store.replace_all(replace(agency, clients=(hostile,), interactions=()))
    ics = tmp_path / "cal.ics"
    sk("export", "--format", "ics", "--days", "60", "-o", str(ics), db=db, check=True)
    raw = ics.read_bytes()
    assert b"\x1b" not in raw and b"\x07" not in raw
    cal = icalendar.Calendar.from_ical(raw)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert [c.name for c in cal.subcomponents] == ["VEVENT"] * len(events) and events
    for e in events:
        assert sorted(e) == ["CATEGORIES", "DESCRIPTION", "DTEND", "DTSTAMP", "DTSTART",
                             "SUMMARY", "TRANSP", "UID"]
        assert str(e["UID"]).startswith(INJECTED.replace("\r\n", "\n") + ".")
        assert "Acme, Bakery; \\ and\nBEGIN:VALARM" in str(e["SUMMARY"])
        assert "Main contact: Ann\nORGANIZER:z" in str(e["DESCRIPTION"])
        assert "Channel: ]52;c;ZWNobw==" in str(e["DESCRIPTION"])


FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","click")', "+1+1",
            "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_a_csv_export_has_no_formula_and_no_control_character(db, tmp_path):
    store = Store(db)
    agency = store.load_agency()
    acme = replace(agency.clients[0], name=FORMULAS[0], location=FORMULAS[1],
                   comm_rules="line one\nline two\r\n\x1b]52;c;ZWNobw==\x07 \x9b6n \x00end",
                   primary_contact=Contact(id="con_1", name=FORMULAS[2], title=FORMULAS[3],
                                           phone=FORMULAS[4]),
                   channel_url=FORMULAS[5])
    log = replace(agency.interactions[0], notes=FORMULAS[6], author="=1+2")
    store.replace_all(replace(agency, clients=(acme,), interactions=(log,)))
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    for sheet in folder.iterdir():
        text = sheet.read_bytes().decode("utf-8")
        assert not any((ch < " " and ch not in "\t\r\n") or "\x7f" <= ch <= "\x9f"
                       for ch in text), sheet.name
        for row in csv.reader(io.StringIO(text, newline="")):
            assert [c for c in row if c[:1] in RISKY] == [], row
    clients = (folder / "clients.csv").read_bytes().decode("utf-8")
    assert "\"'=cmd|' /C calc'!A0\"" in clients and "\"'+1+1\"" in clients
    assert '"line one\nline two\r\n]52;c;ZWNobw== 6n end"' in clients  # line breaks kept
    back = tmp_path / "back" / "agency.json"
    sk("import", str(folder), db=back, check=True)  # the text comes back as it was
    (client,) = Store(back).load_agency().clients
    assert (client.name, client.location, client.primary_contact.name,
            client.primary_contact.title, client.primary_contact.phone,
            client.channel_url) == tuple(FORMULAS[:6])
    (note,) = Store(back).load_agency().interactions
    assert (note.notes, note.author) == (FORMULAS[6], "=1+2")
