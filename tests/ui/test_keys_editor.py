"""ctrl+e writes a note in the editor from inside the Notes box (the text area has a ctrl+e
of its own and, having the focus, used to take it), and the edited text comes back."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from screens.app import ScopekeeperApp
from screens.forms import FormScreen
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file, make_app

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


async def open_log_form(pilot) -> TextArea:
    """A client's log form (L), with the focus in its Notes box, reached with Tab."""
    app = pilot.app
    await pilot.pause()
    app.open_client(app.snapshot.assessments[0].client.id)
    await pilot.pause()
    await pilot.press("L")
    await pilot.pause()
    assert isinstance(app.screen, FormScreen)
    while not isinstance(app.screen.focused, TextArea):
        await pilot.press("tab")
    await pilot.press("d", "r", "a", "f", "t")
    return app.screen.focused


async def test_ctrl_e_in_the_notes_box_opens_the_editor_and_keeps_what_it_wrote(db, tmp_path):
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'from the editor\\n' >> \"$1\"\n", encoding="utf-8")
    editor.chmod(0o755)
    app = ScopekeeperApp(Workspace(db, user="tester", clock=lambda: TODAY), editor=str(editor))
    # the test terminal cannot be handed over to the editor; it runs all the same
    app.suspend = contextlib.nullcontext  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_log_form(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert notes.text == "draft\nfrom the editor"
        assert isinstance(app.screen, FormScreen)  # back in the form, nothing saved yet


async def test_without_a_terminal_to_hand_over_it_says_so(db):
    app = make_app(db)  # the test driver cannot suspend the app
    async with app.run_test(size=SIZE) as pilot:
        notes = await open_log_form(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert notes.text == "draft"
        assert [n.message for n in app._notifications] == [
            "This terminal cannot hand the screen to an editor."]


async def test_a_form_without_a_note_leaves_ctrl_e_to_the_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")  # snooze the first item: one date field
        await pilot.pause()
        field = app.screen.focused
        assert isinstance(app.screen, FormScreen) and isinstance(field, Input)
        await pilot.press("home", "ctrl+e")
        assert field.cursor_position == len(field.value) > 0
