"""Every limit of an import, each set low so that a small file goes over it: the refusal
names the file (and the line, for rows) and the limit, and nothing is written. And a JSON
export with any field of any record changed to any JSON value is read or refused line by
line, never taken with a field of the wrong type or an id that is not one.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings, strategies as st

from storage.ids import is_id
from storage.import_limits import ImportLimits, TooLarge
from storage.importing import import_file
from storage.json_export import export_json, read_export
from storage.workspace import Workspace
from tests.cli.test_round_trips import agencies
from tests.factories import TODAY
from tracker.validation import validate

CLIENTS = "name,fee\nAcme,100\nZeta,200\nOmega,300\nKappa,400\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "data" / "agency.json", user="priya", clock=lambda: TODAY)


def refused(ws: Workspace, path: Path, **limits: int) -> str:
    """The one line an import over ``limits`` is refused with; nothing was written."""
    with pytest.raises(TooLarge) as e:
        import_file(ws, path, limits=ImportLimits(**limits))
    assert ws.store.load_agency().clients == ()
    return str(e.value)


def test_rows_past_the_limit_are_refused_at_the_first_one_too_many(ws, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CLIENTS, encoding="utf-8")
    assert refused(ws, sheet, rows=3) == (
        f"{sheet}:5: more than 3 rows; an import reads at most 3 (split it into smaller "
        "files); nothing was imported")
    assert import_file(ws, sheet, limits=ImportLimits(rows=4)).written


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
    report = import_file(ws, sheet, limits=ImportLimits(cell=10))
    assert report.problems == [
        f"{sheet}:3: a cell holds more than 10 characters (the longest text a record holds "
        "is 20,000); nothing after it was read"]
    assert not report.written and ws.store.load_agency().clients == ()


# --- any field of a JSON export, any value ------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["cli_\r\nX", "a;b", "2026-02-30", "3", "", "-1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                               max_size=3),
    max_leaves=6)


def places(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``doc``: each key of an object, each item of a list."""
    found = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += places(value, (*path, key))
    elif isinstance(doc, list):
        for n, value in enumerate(doc):
            found += places(value, (*path, n))
    return found


TYPES = {"format": str, "version": int, "schema": int, "exported": str, "tables": dict}


@settings(max_examples=150, deadline=None)
@given(agency=agencies(), data=st.data())
def test_any_field_of_an_export_changed_to_anything_is_read_or_refused_line_by_line(
        agency, data):
    doc = orjson.loads(export_json(agency, "2026-11-25T00:00:00Z"))
    place = data.draw(st.sampled_from(places(doc)[1:]), label="place")
    *inside, last = place
    holder = doc
    for step in inside:
        holder = holder[step]
    if data.draw(st.booleans(), label="remove"):
        del holder[last]
    else:
        holder[last] = data.draw(json_values, label="value")
    raw = json.dumps(doc, indent=2).encode()
    got = read_export(raw, "x.json")
    assert all(p.startswith("x.json") and "\n" not in p for p in got.problems)
    if got.problems:
        return
    assert all(isinstance(doc[k], t) and not isinstance(doc[k], bool)
               for k, t in TYPES.items() if k in doc)
    for table in got.agency.__dataclass_fields__:
        for record in getattr(got.agency, table):
            validate(record)
            assert is_id(record.id)
            assert all(is_id(getattr(record, f)) for f in record.__slots__
                       if f.endswith("_id") and getattr(record, f))
