"""Every limit of an import, each set low so that a small file goes over it: the refusal
names the file (and the line, for rows) and the limit, and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from storage.import_limits import ImportLimits, TooLarge
from storage.importing import import_file
from storage.workspace import Workspace
from tests.factories import TODAY

CLIENTS = "name,fee\nAcme,100\nZeta,200\nOmega,300\nKappa,400\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "data" / "agency.json", user="priya", clock=lambda: TODAY)


def refused(ws: Workspace, path: Path, **limits: int) -> str:
    """The one line an import over ``limits`` is refused with; nothing was written."""
    with pytest.raises(TooLarge) as e:
        import_file(ws.act, path, limits=ImportLimits(**limits))
    assert ws.store.load_agency().clients == ()
    return str(e.value)


def test_rows_past_the_limit_are_refused_at_the_first_one_too_many(ws, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CLIENTS, encoding="utf-8")
    assert refused(ws, sheet, rows=3) == (
        f"{sheet}:5: more than 3 rows; an import reads at most 3 (split it into smaller "
        "files); nothing was imported")
    assert import_file(ws.act, sheet, limits=ImportLimits(rows=4)).written


def test_the_rows_of_every_file_of_a_folder_count_together(ws, tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "a.csv").write_text(CLIENTS, encoding="utf-8")
    (folder / "b.csv").write_text(CLIENTS.replace("Acme", "Acme 2"), encoding="utf-8")
    assert refused(ws, folder, rows=6).startswith(f"{folder / 'b.csv'}:4: more than 6 rows")


def test_a_file_over_the_limit_is_refused_before_it_is_read(ws, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CLIENTS, encoding="utf-8")
    assert refused(ws, sheet, bytes=40) == (
        f"{sheet}: is 47 bytes; an import reads at most 40 bytes in all (split it into "
        "smaller files); nothing was imported")


def test_the_files_of_a_folder_count_together_against_the_limit(ws, tmp_path):
    folder = tmp_path / "sheets"
    folder.mkdir()
    for name in ("a.csv", "b.csv"):
        (folder / name).write_text(CLIENTS, encoding="utf-8")
    assert refused(ws, folder, bytes=80) == (
        f"{folder / 'b.csv'}: is 47 bytes, 94 bytes with the files before it; an import "
        "reads at most 80 bytes in all (split it into smaller files); nothing was imported")


def test_a_zip_counts_what_it_holds_uncompressed(ws, tmp_path):
    packed = tmp_path / "sheets.zip"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.csv", CLIENTS + "x,1\n" * 100)  # 447 bytes, about 60 once deflated
    assert packed.stat().st_size < 400
    assert refused(ws, packed, bytes=400) == (
        f"{packed}!a.csv: holds 447 bytes uncompressed; an import reads at most 400 bytes "
        "in all (split it into smaller files); nothing was imported")


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_a_zip_or_a_folder_of_too_many_files_is_refused(ws, tmp_path, kind):
    where = tmp_path / ("sheets.zip" if kind == "zip" else "sheets")
    names = [f"{n}.csv" for n in range(4)]
    if kind == "zip":
        with zipfile.ZipFile(where, "w") as z:
            for name in names:
                z.writestr(name, "name\n")
    else:
        where.mkdir()
        for name in names:
            (where / name).write_text("name\n", encoding="utf-8")
    assert refused(ws, where, files=3) == (
        f"{where}: holds more than 3 files; an import reads at most 3; nothing was imported")


def test_a_json_of_too_many_values_is_refused_before_it_is_parsed(ws, tmp_path):
    doc = tmp_path / "export.json"
    doc.write_text('{"format": "scopekeeper-export", "schema": 4, "tables": {"clients": ['
                   + ",".join(["{}"] * 50) + "]}}", encoding="utf-8")
    assert refused(ws, doc, json_values=20) == (
        f"{doc}: holds more than 20 JSON values; an import reads at most 20 (is it one of "
        "our exports?); nothing was imported")


def test_a_cell_over_the_limit_is_a_problem_at_its_line(ws, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text('name,rules\nAcme,"short"\nZeta,"' + "x" * 11 + '"\n', encoding="utf-8")
    report = import_file(ws.act, sheet, limits=ImportLimits(cell=10))
    assert report.problems == [
        f"{sheet}:3: a cell holds more than 10 characters (the longest text a record holds "
        "is 20,000); nothing after it was read"]
    assert not report.written and ws.store.load_agency().clients == ()


def test_a_json_export_of_too_many_records_is_refused(ws, tmp_path):
    doc = tmp_path / "export.json"
    doc.write_text('{"format": "scopekeeper-export", "schema": 4, "tables": {"clients": ['
                   + ",".join(["{}"] * 3) + "]}}", encoding="utf-8")
    assert refused(ws, doc, rows=2) == (
        f"{doc}: holds 3 records; an import reads at most 2 (split it into smaller files); "
        "nothing was imported")


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_reading_stops_after_so_many_problems(ws, tmp_path, kind):
    if kind == "csv":
        source = tmp_path / "clients.csv"
        source.write_text("name,fee\n" + "Acme,lots\n" * 5, encoding="utf-8")
    else:
        source = tmp_path / "export.json"
        source.write_text('{"format": "scopekeeper-export", "schema": 4, "tables": '
                          '{"clients": [1, 2, 3, 4, 5]}}', encoding="utf-8")
    report = import_file(ws.act, source, limits=ImportLimits(problems=3))
    assert len(report.problems) == 4 and not report.written
    assert report.problems[-1] == (f"{source}: stopped reading after 3 problems (is it the "
                                   "file you meant?)")
