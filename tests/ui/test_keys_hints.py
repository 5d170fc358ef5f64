"""Keys named in dialogs and notes are the person's keys: with a keymap, a dialog's buttons
and hints name the remapped key, and that key does what the hint says."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Static

from screens.app import ScopekeeperApp
from screens.confirm import DiscardScreen
from screens.decide import DecideScreen
from screens.forms import FormScreen
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file, plain
from tracker.models import ChangeStatus

SIZE = (80, 24)
KEYMAP = {"decide.expand": "x", "decide.favour": "v", "discard.no": "k,escape",
          "form.editor": "ctrl+o"}


@pytest.fixture
def app(tmp_path) -> ScopekeeperApp:
    db = demo_file(tmp_path / "agency.json")
    return ScopekeeperApp(Workspace(db, user="tester", clock=lambda: TODAY), keymap=KEYMAP)


async def test_the_decide_dialog_names_the_remapped_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        a = next(a for a in app.snapshot.assessments
                 if any(r.status is ChangeStatus.PENDING for r in a.history.change_requests))
        app.open_client(a.client.id, "requests")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecideScreen)
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["x  Expand", "f  Stay focused", "v  Small favour"]
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # the expand form


async def test_the_discard_question_and_the_notes_hint_name_the_remapped_keys(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_client(app.snapshot.assessments[0].client.id)
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert plain(app.screen.query_one("#msg-note", Static)) == "^o: write it in $EDITOR"
        form = app.screen
        await pilot.press("tab", "1", "escape")  # something typed: Escape asks first
        await pilot.pause()
        assert isinstance(app.screen, DiscardScreen)
        assert plain(app.screen.query_one("#discard-keys", Static)) == \
            "y  discard it      k or esc  keep editing"
        await pilot.press("k")
        await pilot.pause()
        assert app.screen is form
