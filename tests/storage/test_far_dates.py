"""A date outside the range already in the data file (written by an older version or by
hand) never takes down the review, the calendar or the app of everyone on the file: it is
read as the nearest day in the range, and ``doctor`` names the record. Real files, real
processes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from screens.review import ReviewScreen
from storage.repositories import Store
from storage.workspace import Workspace
from tests.cli.test_commands import sk
from tests.factories import TODAY
from tests.ui.helpers import demo_file, make_app
from tracker.dates import LATEST
from tracker.models import InteractionKind


def the_files(db: Path) -> dict[str, bytes]:
    """The data file and its journal: what reading must never change."""
    return {p.name: p.read_bytes() for p in (db, db.with_name(db.name + ".journal"))
            if p.exists()}


@pytest.fixture
def far(tmp_path) -> tuple[Path, str, str]:
    """A demo file with one interaction dated 9999-12-31 in the data file itself, and one
    NPS response dated 0001-01-01 in the journal (both edited in by hand)."""
    db = demo_file(tmp_path / "agency.json")
    ws = Workspace(db, user="tester", clock=lambda: TODAY)
    client = Store(db).clients.all()[0]
    journal = db.with_name(db.name + ".journal")
    ws.store.compact()  # a backup exists: the next save goes to the journal
    nps = ws.act.nps(client, 9, "kept", TODAY)
    text = journal.read_text(encoding="utf-8")
    assert text.count(f'"on":"{TODAY}"') == 1
    journal.write_text(text.replace(f'"on":"{TODAY}"', '"on":"0001-01-01"'), encoding="utf-8")
    data = json.loads(db.read_text(encoding="utf-8"))
    doc = next(iter(data["interactions"].values()))
    doc["on"] = "9999-12-31"
    db.write_text(json.dumps(data), encoding="utf-8")
    return db, doc["id"], nps.id


def test_the_review_and_the_calendar_still_work_for_everyone(far, tmp_path):
    db, _, _ = far
    before = the_files(db)
    for args in (("review",), ("review", "--format", "json"),
                 ("export", "--format", "ics", "-o", str(tmp_path / "cal.ics"))):
        out = sk(*args, db=db)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    from icalendar import Calendar

    events = Calendar.from_ical((tmp_path / "cal.ics").read_bytes()).walk("VEVENT")
    assert events and all(e.decoded("DTSTART") <= LATEST for e in events)
    assert the_files(db) == before  # reading never writes


def test_the_records_are_read_as_the_nearest_day_in_range(far):
    db, interaction, nps = far
    store = Store(db)
    assert store.interactions.get(interaction).on == LATEST
    assert store.nps.get(nps).on == date(2000, 1, 1)


def test_doctor_names_each_record_and_exits_0(far):
    db, interaction, nps = far
    out = sk("doctor", db=db)
    assert out.returncode == 0, out.stdout
    lines = out.stdout.splitlines()
    at = lines.index(f"warning: interactions {interaction}: on 9999-12-31 is outside "
                     "2000-01-01..2099-12-31 and is read as the nearest day in it")
    assert lines[at + 1] == ("  fix: correct the date in the app (Enter on the entry in the "
                             "client's Timeline), or delete the record")
    assert any(line.startswith(f"warning: {db.name}.journal: entry ")
               and f": nps {nps}: on 0001-01-01 is outside" in line for line in lines)


async def test_the_app_opens_and_shows_the_review(far):
    db, _, _ = far
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.query_one("#review-table").row_count > 0
        await pilot.press("c")
        await pilot.pause()
        assert app.screen.query_one("#clients-table").row_count == 27


def test_an_import_with_a_date_out_of_range_is_refused_naming_the_record(tmp_path):
    source = demo_file(tmp_path / "source.json")
    export = tmp_path / "export.json"
    assert sk("export", "--format", "json", "-o", str(export), db=source).returncode == 0
    doc = json.loads(export.read_text(encoding="utf-8"))
    doc["tables"]["interactions"][4]["on"] = "9999-12-31"
    export.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "empty.json"
    out = sk("import", str(export), db=target)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert (f"{export}:1: interactions #5: Interaction.on: expected a date from 2000-01-01 to "
            "2099-12-31, got '9999-12-31'") in out.stderr
    assert not target.exists()


def test_a_record_dated_out_of_range_is_never_written(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    client = Store(db).clients.all()[0]
    ws = Workspace(db, user="tester", clock=lambda: TODAY)
    before = the_files(db)
    from tracker.validation import ValidationError

    with pytest.raises(ValidationError, match="Date: 9999-12-31 is out of range"):
        ws.act.log(client, InteractionKind.EMAIL, date(9999, 12, 31), "far")
    assert the_files(db) == before
