"""The command palette finds what the README promises, and its entries for keys do what the
keys do (only what the key could do now is offered)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from screens.client.screen import ClientScreen
from screens.client.tab import TABS
from screens.clients import ClientsScreen
from screens.forms import FormScreen
from screens.review import ReviewScreen
from screens.tables import KeyTable
from screens.team import TeamScreen
from storage.repositories import Store
from tests.factories import agency_of, make_client
from tests.ui.helpers import demo_file, make_app
from tracker.models import ChangeStatus

SIZE = (80, 24)
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


def promised() -> list[str]:
    """The palette entries the README's Keys section names (`noun: verb ...`)."""
    keys = README.read_text(encoding="utf-8").split("## Keys", 1)[1].split("\n## ", 1)[0]
    paragraph = next(p for p in keys.split("\n\n") if "command palette" in p)
    return re.findall(r"`([a-z]+: [^`]+)`", paragraph.replace("\n", " "))


async def search(pilot, query: str) -> list[str]:
    """Open the palette, search, and read the entries it lists (first line of each)."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    app.screen.query_one(Input).value = query
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    found = app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(n).prompt).split("\n")[0]
            for n in range(found.option_count)]


async def close(pilot) -> None:
    await pilot.press("escape")
    await pilot.pause()


async def open_on(pilot, noun: str) -> str:
    """Go where an entry's noun says (a screen, or a client's tab); the client in view."""
    app = pilot.app
    snap = app.snapshot
    if noun in TABS:
        a = next(a for a in snap.assessments
                 if noun != "signs" or any(not s.resolved for s in a.signs))
        app.open_client(a.client.id, noun)
        await pilot.pause()
        await pilot.pause()
        return a.client.name
    screens = {"clients": ClientsScreen, "team": TeamScreen}
    if noun in screens:
        await pilot.press(noun[0])
        await pilot.pause()
        assert isinstance(app.screen, screens[noun])
    item = app.screen.shown.review[0] if isinstance(app.screen, ReviewScreen) else None
    return item.client if item else ""


def test_the_readme_promises_palette_entries():
    entries = promised()
    assert {"screen: team", "client: new", "log: status call"} <= set(entries)
    assert any(e.startswith("client: open ") for e in entries)


@pytest.mark.parametrize("entry", promised())
async def test_the_palette_finds_what_the_readme_promises(db, entry):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        name = await open_on(pilot, entry.split(":")[0])
        wanted = entry.replace("Acme", name)
        assert wanted in await search(pilot, wanted)


async def test_a_key_entry_runs_the_keys_action_and_only_when_it_could(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        row = next(n for n, i in enumerate(app.screen.shown.review)
                   if i.kind.category == "sign")
        app.screen.query_one(KeyTable).move_cursor(row=row)
        await pilot.pause()
        assert "review: decide" not in await search(pilot, "review: decide")  # not a request
        await close(pilot)
        assert "review: resolve" in await search(pilot, "review: resolve")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert app.screen.form_title.startswith("Resolve")


async def test_a_tab_key_entry_is_named_after_the_tab(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        a = next(a for a in app.snapshot.assessments
                 if any(r.status is ChangeStatus.PENDING for r in a.history.change_requests))
        app.open_client(a.client.id, "requests")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)
        assert "requests: new" in await search(pilot, "requests: new")
        await close(pilot)
        found = await search(pilot, "acknowledge")  # a Signs key: not offered on Requests
        assert not [f for f in found if f.endswith(": acknowledge")]


async def test_client_names_in_the_palette_are_text_not_markup(tmp_path):
    db = tmp_path / "hostile.json"
    name = "a [/x] b [bold]Acme[/]"
    Store(db).replace_all(agency_of(make_client(id="cli_h", name=name)))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_client("cli_h")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        app.screen.query_one(Input).value = "log: status call"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        found = app.screen.query_one(CommandList)
        shown = [str(found.get_option_at_index(n).prompt) for n in range(found.option_count)]
        assert f"log: status call\nwith {name}" in shown
