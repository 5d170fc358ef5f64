"""`?` lists the app's own keys first, the screen's own on top, grouped by where they work,
with their labels; Textual's generic keys (cursor movement) come after all of them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from screens.client.screen import ClientScreen
from screens.review import ReviewScreen
from screens.tables import KeyTable
from tests.ui.helpers import demo_file, make_app

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


def help_lines(app) -> list[str]:
    """Every line of the help, scrolled or not, top to bottom (whatever draws it)."""
    panel = app.screen.query_one("HelpPanel")
    out: list[str] = []
    for widget in panel.query("Static"):
        console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
        content = widget.content  # a Static's own, else what it renders (a bindings table)
        console.print(content if content not in ("", None) else widget.render())
        out += [line.strip() for line in console.export_text().splitlines() if line.strip()]
    return out


def first(lines: list[str], label: str) -> int:
    """The first line that ends with ``label`` (a key and its label)."""
    return next(n for n, line in enumerate(lines) if line.endswith(label))


async def test_help_lists_the_screens_keys_first_then_the_apps_then_textuals(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        review = [first(lines, b.description) for b in ReviewScreen.BINDINGS]
        lists = [first(lines, b.description) for b in KeyTable.BINDINGS]
        everywhere = [first(lines, "Clients"), first(lines, "Quit")]
        textual = [first(lines, "Cursor up"), first(lines, "Page down")]
        assert review == sorted(review)  # in the order they are declared
        assert max(review) < min(lists) and max(lists) < min(everywhere)
        assert max(everywhere) < min(textual)
        assert lines[min(review) - 1] == "Review"  # grouped, under the screen's name
        assert lines[min(textual) - 1].startswith("Textual")


async def test_help_on_a_client_tab_names_the_tab_and_where_keys_work(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_client(app.snapshot.assessments[0].client.id, "signs")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        assert lines[0] == "Client detail · Signs tab"
        assert lines[first(lines, "(Scope tab)")].startswith("f  Finish")
        await pilot.press("question_mark")  # ? again (or Esc) closes it
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)


async def test_help_shows_remapped_keys(tmp_path):
    from screens.app import ScopekeeperApp
    from storage.workspace import Workspace
    from tests.factories import TODAY

    db = demo_file(tmp_path / "agency.json")
    app = ScopekeeperApp(Workspace(db, user="tester", clock=lambda: TODAY),
                         keymap={"review.snooze": "z"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        lines = help_lines(app)
        assert "z  Snooze" in lines and "s  Snooze" not in lines
