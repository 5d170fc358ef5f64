"""Two people with the app open on one data file (or one database): each sees the other's
changes at the next look (every second for a file; at the save's notification for a
database), and the same client edited by both gives the second a choice, never a silent
loss."""

from __future__ import annotations

import time

import pytest

from screens.conflict import ConflictScreen
from screens.forms import FormScreen
from storage.repositories import Store
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_database, demo_file
from tests.ui.test_flows import client, store


def app_for(db, user: str):
    from screens.app import ScopekeeperApp

    app = ScopekeeperApp(Workspace(db, user=user, clock=lambda: TODAY))
    app.polls = 0  # how many times it looked at the files for other people's saves
    look = app._poll

    def counted() -> None:
        app.polls += 1
        look()

    app._poll = counted
    return app


def requests_rows(app) -> list[str]:
    table = app.screen.query_one("#requests-table")
    return [str(table.get_row_at(r)[3]) for r in range(table.row_count)]


@pytest.mark.parametrize("backend", ["tinydb", "postgresql"])
async def test_a_change_request_added_in_one_app_shows_in_the_other(tmp_path, backend, request):
    """On a file Ben's app sees it at its next look (every second); on PostgreSQL at the
    notification of Ana's save (no other look comes for QUIET_SECONDS)."""
    db = (demo_database(request.getfixturevalue("postgres_server"))
          if backend == "postgresql" else demo_file(tmp_path / "agency.json"))
    red = client(db, "Redwood Insurance")
    ana, ben = app_for(db, "ana"), app_for(db, "ben")
    async with ana.run_test(size=(80, 24)) as pa, ben.run_test(size=(80, 24)) as pb:
        for app, pilot in ((ana, pa), (ben, pb)):
            app.open_client(red.id, "requests")
            await pilot.pause()
            await pilot.pause()
        before = requests_rows(ben)
        await pa.press("n")  # New (client.add)
        await pa.pause()
        assert isinstance(ana.screen, FormScreen)
        ana.screen.query_one("#field-description").value = "Quarterly strategy workshop"
        looked = ben.polls  # before the save: Ben's app may look while Ana's save finishes
        await pa.press("ctrl+s")
        await pa.pause()
        deadline = time.monotonic() + 300  # a hang guard, not a speed limit
        while "Quarterly strategy workshop" not in requests_rows(ben):
            assert time.monotonic() < deadline, "the other app never showed it"
            await pb.pause(0.1)
        # counted in looks at the files, not seconds: a loaded machine slows both alike
        assert 1 <= ben.polls - looked <= 3, "not shown within three looks at the files"
        assert len(requests_rows(ben)) == len(before) + 1
    saved = [r for r in store(db).change_requests.all()
             if r.description == "Quarterly strategy workshop"]
    assert len(saved) == 1 and saved[0].client_id == red.id


async def both_edit(db, red, ana_fields, ben_fields):
    ana, ben = app_for(db, "ana"), app_for(db, "ben")
    async with ana.run_test(size=(80, 24)) as pa, ben.run_test(size=(80, 24)) as pb:
        for app, pilot in ((ana, pa), (ben, pb)):
            app.open_client(red.id, "overview")
            await pilot.pause()
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
        for app, values in ((ana, ana_fields), (ben, ben_fields)):
            for name, value in values.items():
                app.screen.query_one(f"#field-{name}").value = value
        await pa.press("ctrl+s")
        await pa.pause()
        await pb.press("ctrl+s")
        await pb.pause()
        if isinstance(ben.screen, ConflictScreen):
            fields = ben.screen.query_one("#conflict-fields")
            shown = [[c.plain for c in fields.get_row_at(r)] for r in range(fields.row_count)]
            assert Store(db).clients.get(red.id).fee_cents == 700_000  # Ana's, untouched
            await pb.press("m", "ctrl+s")  # keep mine: Ben's fee, knowingly
            await pb.pause()
            return shown
    return None


async def test_both_edit_other_fields_of_one_client_and_both_are_kept(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    red = client(db, "Redwood Insurance")
    shown = await both_edit(db, red, {"fee": "7,000"}, {"name": "Redwood Insurance Group"})
    assert shown is None  # nothing to choose: different fields
    final = Store(db).clients.get(red.id)
    assert (final.name, final.fee_cents) == ("Redwood Insurance Group", 700_000)
    history = [(e.by, e.op) for e in Store(db).db.history(red.id) if e.table == "clients"]
    assert history == [("ana", "update"), ("ben", "update")]  # both in the trail


async def test_both_edit_the_same_field_and_the_second_gets_the_choice(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    red = client(db, "Redwood Insurance")
    shown = await both_edit(db, red, {"fee": "7,000"},
                            {"fee": "8,000", "name": "Redwood Insurance Group"})
    assert shown == [["Monthly fee", "○ $8,000", "○ $7,000"]]  # only the clash
    final = Store(db).clients.get(red.id)
    assert (final.name, final.fee_cents) == ("Redwood Insurance Group", 800_000)
