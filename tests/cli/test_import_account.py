"""import says everything: every row it does not import is named by FILE:LINE with why
(duplicates skipped or merged, rows that go with a skipped client, interactions already
there), a dry run says exactly what the import then does, interactions find their client
by id, quoted cells come through whole, and an exported folder imports like its zip."""

from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from storage.repositories import Store
from storage.workspace import Workspace
from tests.cli.test_commands import sk
from tests.factories import TODAY
from tests.ui.helpers import demo_file
from tracker.models import Client, ClientStatus, Interaction, InteractionKind

EMAIL = InteractionKind.EMAIL
SAID = 'He said "yes, ok" and left'


def twins_file(path: Path) -> Path:
    """Acme Outdoor with three emails; an old record of it whose name differs only in case
    (churned), with one email, listed first among the interactions; one more client."""
    acme = Client(id="cli_acme", name="Acme Outdoor", start_date=date(2025, 1, 6))
    twin = Client(id="cli_twin", name="acme outdoor", status=ClientStatus.CHURNED,
                  start_date=date(2024, 3, 1))
    zeta = Client(id="cli_zeta", name="Zeta Dental", start_date=date(2025, 2, 1))
    log = [Interaction(id="int_t", client_id=twin.id, kind=EMAIL, on=date(2024, 5, 1),
                       notes="old")]
    log += [Interaction(id=f"int_{n}", client_id=acme.id, kind=EMAIL, on=date(2026, 11, n),
                        notes=SAID) for n in (2, 3, 4)]
    log.append(Interaction(id="int_z", client_id=zeta.id, kind=EMAIL, on=TODAY))
    Workspace(path, user="t", clock=lambda: TODAY).act.save_all([acme, twin, zeta, *log])
    return path


def by_client(db: Path) -> dict[str, list[tuple[str, str, str]]]:
    agency = Store(db).load_agency()
    names = {c.id: c.name for c in agency.clients}
    out: dict[str, list[tuple[str, str, str]]] = {name: [] for name in names.values()}
    for i in agency.interactions:
        out[names[i.client_id]].append((i.kind.value, i.on.isoformat(), i.notes))
    return {k: sorted(v) for k, v in out.items()}


def test_an_exported_zip_with_twin_names_loses_nothing_unreported(tmp_path):
    source = twins_file(tmp_path / "source.json")
    out = tmp_path / "out.zip"
    sk("export", "--format", "csv", "-o", str(out), db=source, check=True)
    target = tmp_path / "new" / "agency.json"
    res = sk("import", str(out), db=target, check=True)
    assert res.stdout.splitlines() == [
        "imported 2 clients, 4 interactions from 8 row(s)",
        "left out 2 row(s):",
        f"{out}!clients.csv:3: client 'acme outdoor': skipped: the name is taken by 'Acme "
        f"Outdoor' ({out}!clients.csv:2); --duplicates merge adds its records to that client",
        f"{out}!interactions.csv:2: email on 2024-05-01: left out with its client 'acme "
        f"outdoor' ({out}!clients.csv:3), which was skipped"]
    assert by_client(target) == {  # Acme's emails follow its id, not its twin's name
        "Acme Outdoor": [("email", f"2026-11-0{n}", SAID) for n in (2, 3, 4)],
        "Zeta Dental": [("email", TODAY.isoformat(), "")]}


def test_merge_and_dry_run_say_exactly_what_happens_per_file_and_line(tmp_path):
    source = twins_file(tmp_path / "source.json")
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=source, check=True)
    target = tmp_path / "new" / "agency.json"
    dry = sk("import", f"{folder}/", "--duplicates", "merge", "--dry-run", db=target,
             check=True)
    assert not target.exists()  # a dry run writes nothing
    res = sk("import", f"{folder}/", "--duplicates", "merge", db=target, check=True)
    merged = (f"{folder}/clients.csv:3: client 'acme outdoor': merged into 'Acme Outdoor' "
              f"({folder}/clients.csv:2): its records join that client, whose own details "
              "stay as they are")
    assert dry.stdout.splitlines() == ["would import 2 clients, 5 interactions from 8 row(s)",
                                       "would leave out 1 row(s):", merged]
    assert res.stdout.splitlines() == ["imported 2 clients, 5 interactions from 8 row(s)",
                                       "left out 1 row(s):", merged]
    assert by_client(target)["Acme Outdoor"] == [("email", "2024-05-01", "old")] + [
        ("email", f"2026-11-0{n}", SAID) for n in (2, 3, 4)]
    again = sk("import", str(folder), "--duplicates", "merge", db=target, check=True)
    same = ("has the same kind of contact that day with the same note")
    assert again.stdout.splitlines() == [
        "imported nothing from 8 row(s)", "left out 8 row(s):",
        *(f"{folder}/clients.csv:{n}: client {name!r}: merged into {into!r} (already in the "
          "data): its records join that client, whose own details stay as they are"
          for n, name, into in ((2, "Acme Outdoor", "Acme Outdoor"),
                                (3, "acme outdoor", "Acme Outdoor"),
                                (4, "Zeta Dental", "Zeta Dental"))),
        f"{folder}/interactions.csv:2: email on 2024-05-01: already there: 'Acme Outdoor' "
        f"{same}",
        *(f"{folder}/interactions.csv:{n + 1}: email on 2026-11-0{n}: already there: "
          f"'Acme Outdoor' {same}" for n in (2, 3, 4)),
        f"{folder}/interactions.csv:6: email on {TODAY.isoformat()}: already there: "
        f"'Zeta Dental' {same}"]


def test_an_exported_folder_imports_like_its_zip(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    folder, zipped = tmp_path / "sheets", tmp_path / "sheets.zip"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    sk("export", "--format", "csv", "-o", str(zipped), db=db, check=True)
    one, two = tmp_path / "one" / "a.json", tmp_path / "two" / "a.json"
    from_folder = sk("import", f"{folder}/", db=one, check=True)
    from_zip = sk("import", str(zipped), db=two, check=True)
    assert from_folder.stdout == from_zip.stdout
    assert from_folder.stdout.startswith("imported 27 clients, ")
    assert by_client(one) == by_client(two) == by_client(db)


def test_interactions_find_their_client_by_id_else_by_one_name(tmp_path):
    db = twins_file(tmp_path / "agency.json")
    log = tmp_path / "log.csv"
    log.write_text(
        "client,client id,kind,date,note\n"
        "Someone Else,cli_acme,email,2026-11-20,by id\n"  # the id wins over the name
        "Zeta Dental,,meeting,2026-11-20,by name\n"  # no id: the name
        "Acme Outdoor,,meeting,2026-11-20,twins\n"  # two clients have this name
        "Zeta Dental,cli_nobody,email,2026-11-20,\n",  # an id nobody has
        encoding="utf-8")
    before = by_client(db)
    bad = sk("import", str(log), db=db)
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == [
        f"{log}:4: client: 2 clients are named 'Acme Outdoor' (cli_acme in the data, "
        "cli_twin in the data); add a 'client id' column to say which",
        f"{log}:5: client id: no client 'cli_nobody' in this import or in the data",
        f"scopekeeper: error: 2 problem(s) in {log}; nothing was imported"]
    assert by_client(db) == before
    log.write_text("\n".join(log.read_text(encoding="utf-8").splitlines()[:3]) + "\n",
                   encoding="utf-8")
    sk("import", str(log), db=db, check=True)
    after = by_client(db)
    assert after["Acme Outdoor"] == sorted([*before["Acme Outdoor"],
                                            ("email", "2026-11-20", "by id")])
    assert after["Zeta Dental"] == sorted([*before["Zeta Dental"],
                                           ("meeting", "2026-11-20", "by name")])


@pytest.mark.parametrize("sep", [",", ";"])
def test_quoted_cells_come_through_whole_with_either_separator(tmp_path, sep):
    db = twins_file(tmp_path / "agency.json")
    log = tmp_path / "log.csv"
    log.write_text(sep.join(["client id", "type", "date", "notes"]) + "\r\n"
                   + sep.join(["cli_zeta", "call summary sent", "2026-11-20",
                               '"He said ""yes, ok"" and left"']) + "\r\n"
                   + sep.join(["cli_zeta", "email", "2026-11-21",
                               '"two\nlines; with, both"']) + "\r\n", encoding="utf-8")
    sk("import", str(log), db=db, check=True)
    assert by_client(db)["Zeta Dental"] == [
        ("call_summary_sent", "2026-11-20", SAID), ("email", "2026-11-21",
                                                     "two\nlines; with, both"),
        ("email", TODAY.isoformat(), "")]


def test_the_apps_own_interactions_csv_reimports(tmp_path):
    """The issue: our own interactions.csv (quoted notes) failed to import again."""
    db = twins_file(tmp_path / "agency.json")
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    res = sk("import", str(folder / "interactions.csv"), db=db, check=True)
    lines = res.stdout.splitlines()
    assert lines[:2] == ["imported nothing from 5 row(s)", "left out 5 row(s):"]
    assert all(": already there: " in line for line in lines[2:]) and len(lines) == 7


@pytest.mark.parametrize(("row", "problem"), [
    ("Zeta Dental,email,2026-11-20,Called, left a message",
     "5 or more cells, but the header names 4 columns (a cell holding the separator needs "
     "double quotes)"),
    ('Zeta Dental,email,2026-11-20,"He said "yes" and left"',
     "text after a closing quote (a quote inside a quoted cell is written twice: \"\"); "
     "nothing after it was read"),
    ('Zeta Dental,email,2026-11-20,"never closed', "a quoted cell has no closing quote; "
     "nothing after it was read"),
], ids=["unquoted-comma", "undoubled-quote", "unclosed-quote"])
def test_a_row_that_would_lose_text_is_a_problem_at_its_line(tmp_path, row, problem):
    db = twins_file(tmp_path / "agency.json")
    log = tmp_path / "log.csv"
    log.write_text(f"client,kind,date,note\nZeta Dental,email,2026-11-19,fine\n{row}\n"
                   "Zeta Dental,email,2026-11-21,fine\n", encoding="utf-8")
    before = sorted(p.name for p in db.parent.iterdir())
    bad = sk("import", str(log), db=db)
    assert bad.returncode == 2
    assert bad.stderr.splitlines()[0] == f"{log}:3: {problem}"
    assert sorted(p.name for p in db.parent.iterdir()) == before


def test_a_json_export_into_data_names_each_record_left_out_by_its_line(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    export = tmp_path / "export.json"
    sk("export", "--format", "json", "-o", str(export), db=db, check=True)
    agency = Store(db).load_agency()
    total = sum(len(getattr(agency, t)) for t in agency.__dataclass_fields__)
    dry = sk("import", str(export), "--dry-run", db=db, check=True)
    lines = dry.stdout.splitlines()
    assert lines[:2] == [f"would import nothing from {total} row(s)",
                         f"would leave out {total} row(s):"]
    text = export.read_text(encoding="utf-8").splitlines()
    ids = []
    for line in lines[2:]:
        where, what = re.match(rf"{re.escape(str(export))}:(\d+): ([^:]+): ", line).groups()
        start = int(where) - 1
        assert text[start].strip() == "{"  # the line the record starts on
        record_id = json.loads("{" + text[start + 1].rstrip(",") + "}")["id"]
        if not what.startswith(("client ", "team member ", *(k.label for k in
                                                             InteractionKind))):
            assert what.endswith(f" {record_id}")
        ids.append(record_id)
    assert len(set(ids)) == len(ids) == total  # one line for each record


def test_what_a_folder_or_zip_holds_besides_csv_is_named_not_read(tmp_path):
    db = twins_file(tmp_path / "agency.json")
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    (folder / "README.txt").write_text("from the agency", encoding="utf-8")
    zipped = tmp_path / "sheets.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("notes.md", "hello")
        z.writestr("log.csv", (folder / "interactions.csv").read_bytes())  # read last
        z.writestr("a.csv", (folder / "clients.csv").read_bytes())
    for source, note in ((folder, f"{folder}/README.txt"), (zipped, f"{zipped}!notes.md")):
        res = sk("import", str(source), db=tmp_path / f"{source.name}-db" / "a.json",
                 check=True)
        assert res.stderr == f"note: {note}: not a .csv file, not read\n"
        assert res.stdout.startswith("imported 2 clients, 4 interactions from 8 row(s)")


def test_ids_that_are_not_ids_are_refused_even_from_our_own_export(tmp_path):
    """A hand-edited data file may hold an id like ``-cli=1``: its CSV export guards it
    like any text, and importing it says which row and which id, instead of linking by
    something that would start a formula in a sheet."""
    db = tmp_path / "agency.json"
    odd = Client(id="-cli=1", name="=Odd Co", start_date=date(2025, 1, 6))
    Workspace(db, user="t", clock=lambda: TODAY).act.save_all([odd, Interaction(
        id="@int", client_id=odd.id, kind=EMAIL, on=TODAY, notes="+1 more")])
    folder = tmp_path / "sheets"
    sk("export", "--format", "csv", "-o", str(folder), db=db, check=True)
    assert "\"'-cli=1\",\"'=Odd Co\"" in (folder / "clients.csv").read_text(encoding="utf-8")
    res = sk("import", str(folder / "interactions.csv"), db=db)
    assert res.returncode == 2
    assert res.stderr.splitlines()[0] == (
        f"{folder / 'interactions.csv'}:2: client id: '-cli=1' is not an id (1 to 64 "
        "letters, digits, _ or -); correct it, or leave the column out to link "
        "interactions to clients by name")


@pytest.mark.parametrize(("doc", "message"), [
    ('{"format": "scopekeeper-export", "schema": "3", "tables": {}}',
     "schema is not a whole number ('3')"),
    ('{"format": "scopekeeper-export", "schema": 3, "tables": {"clients": {"a": 1}}}',
     "clients: not a list of records"),
    ('{"format": "scopekeeper-export", "schema": 3, "tables": {"clients": [\n'
     '{"id": "a", "name": "A", "start_date": "2026-01-01"},\n'
     '{"id": "a", "name": "B", "start_date": "2026-01-01"}]}}',
     "3: clients #2: id 'a' is also the id of the record at {export}:2"),
], ids=["schema-text", "table-not-a-list", "same-id-twice"])
def test_a_damaged_export_is_one_line_per_problem_and_nothing_written(tmp_path, doc, message):
    export, db = tmp_path / "export.json", tmp_path / "data" / "agency.json"
    export.write_text(doc, encoding="utf-8")
    res = sk("import", str(export), db=db)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    sep = "" if message[0].isdigit() else " "
    assert res.stderr.splitlines() == [
        f"{export}:{sep}{message.format(export=export)}",
        f"scopekeeper: error: 1 problem(s) in {export}; nothing was imported"]
    assert not db.exists()


def test_a_damaged_zip_or_a_fifo_in_a_folder_is_one_line_exit_1(tmp_path):
    db = twins_file(tmp_path / "agency.json")
    good = tmp_path / "good.zip"
    sk("export", "--format", "csv", "-o", str(good), db=db, check=True)
    raw = bytearray(good.read_bytes())
    start = raw.index(b"PK\x03\x04") + 30 + len("clients.csv")  # the first member's data
    raw[start:start + 40] = bytes(40)
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    folder = tmp_path / "sheets"
    folder.mkdir()
    os.mkfifo(folder / "clients.csv")  # reading it would wait for a writer for ever
    target = tmp_path / "new" / "agency.json"
    for source, message in ((damaged, f"{damaged}: not a readable zip"),
                            (folder, f"{folder}/clients.csv: not a regular file")):
        res = sk("import", str(source), db=target)
        assert res.returncode == 1 and res.stdout == ""
        assert res.stderr.startswith(f"scopekeeper: error: {message}")
        assert len(res.stderr.splitlines()) == 1
    assert not target.exists()
