"""Every kind of timeline entry can be corrected through its form: opened filled in and
saved as it is, it stays what it was (each field is read back as the type the record
holds)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.ui.helpers import demo_file, make_app
from tests.ui.test_flows import SIZE, select, store


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


@pytest.mark.parametrize("kind", ["interactions", "nps", "budget_changes", "access_grants",
                                  "contact_changes", "activities"])
async def test_an_entry_saved_unchanged_from_its_form_stays_as_it_was(db, kind):
    entry = getattr(store(db), kind).all()[0]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(entry.client_id, "timeline")
        await pilot.pause()
        await select(pilot, entry.id, "#timeline-table")
        await pilot.press("enter")  # the entry, filled in
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.screen.is_modal, "the form is still open: its values were refused"
    assert replace(getattr(store(db), kind).get(entry.id), rev=entry.rev) == entry
