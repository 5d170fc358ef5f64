"""Keys that arrive together — a paste, a fast typist over a laggy SSH link — land in the
fields they were typed for, and the first key typed as a form opens goes to the form.

Textual hands every key of a burst to the widget that had the focus when the burst was read:
a Tab moves the focus only once the old field has handled it, after the keys behind it were
already given to that field (docs/upstream/textual-focus-burst.md). The forms move the focus
themselves, before the next key is handed out; these tests send a whole burst at once, in
one write to a real terminal or all posted before any is handled under Pilot, and check
what was saved."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual import events

from screens.client.screen import ClientScreen
from screens.forms import FormScreen
from storage.repositories import Store
from tests.ui.helpers import demo_file, make_app
from tests.ui.test_terminal import Terminal

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


def client(db: Path, name: str):
    return next(c for c in Store(db).clients.all() if c.name == name)


async def burst(pilot, keys: str | list[str]) -> None:
    """``keys`` all handed to the app before it handles the first: what one read of a
    terminal gives it (Pilot's ``press`` waits for each key to be handled)."""
    driver = pilot.app._driver
    for key in keys:
        name = {"\t": "tab", " ": "space", ",": "comma", ".": "full_stop"}.get(key, key)
        char = key if len(key) == 1 else {"enter": "\r", "tab": "\t"}.get(key)
        event = events.Key(name, char)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def open_requests_form(pilot, db: Path, name: str) -> None:
    from tests.ui.test_flows import select

    await pilot.press("c")
    await select(pilot, client(db, name).id)
    await pilot.press("enter", "3", "n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, FormScreen)


# --- Pilot: every key of the burst posted before the first is handled ---------------------


async def test_a_burst_into_the_change_request_form_fills_the_fields_it_was_typed_for(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests_form(pilot, db, "Atlas Freight")
        await burst(pilot, "D\t\t\t6\t1200")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)
    (request,) = [r for r in Store(db).change_requests.all() if r.description == "D"]
    assert request.estimated_hours == 6 and request.fee_cents == 120_000


async def test_shift_tab_and_enter_in_a_burst_move_before_the_next_key(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_requests_form(pilot, db, "Atlas Freight")
        # Enter moves on like Tab; shift+tab goes back to the hours after the fee
        await burst(pilot, ["D", "enter", "tab", "tab", "tab", "1", "2", "0", "0",
                            "shift+tab", "6"])
        form = app.screen
        assert isinstance(form, FormScreen)
        values = {n: form.query_one(f"#field-{n}").value for n in ("description", "hours",
                                                                      "fee")}
        assert values == {"description": "D", "hours": "6", "fee": "1200"}


async def test_a_burst_that_opens_a_form_and_types_fills_its_first_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await burst(pilot, "nHalf Bakery\t\t4000")
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-name").value == "Half Bakery"
        assert form.query_one("#field-fee").value == "4000"


# --- a real terminal: the app as people run it, the burst in one write --------------------


def _saved(t: Terminal, marker: bytes) -> None:
    t.seen.clear()
    os.write(t.fd, b"\x13")  # ctrl+s
    t.wait_for(marker)


def test_one_write_into_the_change_request_form_saves_what_was_typed_for_each_field(
        db, tmp_path):
    atlas = client(db, "Atlas Freight")
    t = Terminal(db, tmp_path)
    try:
        t.wait_for(b"to review")
        os.write(t.fd, b"c")
        t.wait_for(b"/ filter")
        t.wait_for(b"contacts/week")  # the first client, Atlas Freight, is selected
        os.write(t.fd, b"\r")
        t.wait_for(b"1 Overview")
        os.write(t.fd, b"3")
        t.wait_for(b"Decide")  # the Requests tab's key
        os.write(t.fd, b"n")
        t.wait_for(b"What they asked for")
        t.seen.clear()
        os.write(t.fd, b"D\t\t\t6\t1200")
        t.wait_for(b"$1,200")  # the fee field says what it read
        _saved(t, b"Change request logged")
    finally:
        t.close()
    (request,) = [r for r in Store(db).change_requests.all() if r.client_id == atlas.id
                  and r.description == "D"]
    assert request.estimated_hours == 6 and request.fee_cents == 120_000


def test_one_write_that_opens_the_new_client_form_and_types_saves_it(db, tmp_path):
    t = Terminal(db, tmp_path)
    try:
        t.wait_for(b"to review")
        os.write(t.fd, b"c")
        t.wait_for(b"/ filter")
        t.seen.clear()
        os.write(t.fd, b"nHalf Bakery\t\t4000")  # open the form and type, in one write
        t.wait_for(b"Half Bakery")
        t.wait_for(b"$4,000")
        _saved(t, b"1 Overview")  # the new client opens
    finally:
        t.close()
    assert client(db, "Half Bakery").fee_cents == 400_000


# --- a field filled in is typed on, not replaced ------------------------------------------


async def test_typing_in_a_filled_in_field_adds_to_it(db):
    atlas = client(db, "Atlas Freight")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        from tests.ui.test_flows import select

        await pilot.press("c")
        await select(pilot, atlas.id)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("space", "P", "1")
        await pilot.press("tab", "tab", "tab")  # to the currency, filled in: USD
        await pilot.press("backspace", "backspace", "backspace", "E", "U", "R")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = client(db, "Atlas Freight P1")
    assert saved.id == atlas.id and saved.currency == "EUR"


def test_every_field_of_every_form_keeps_its_text_when_focused():
    import ast

    from screens import forms

    tree = ast.parse(Path(forms.__file__).read_text(encoding="utf-8"))
    made = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "id", "") == "Input"]
    assert made and all(any(k.arg == "select_on_focus" and getattr(k.value, "value", 1) is False
                            for k in n.keywords) for n in made)


# --- a draft keeps the day it meant -------------------------------------------------------


async def test_a_draft_with_today_comes_back_another_day_as_the_day_it_was_typed(db, tmp_path):
    from datetime import timedelta

    from screens.app import ScopekeeperApp
    from storage.workspace import Workspace
    from tests.factories import TODAY

    folder = tmp_path / "drafts"

    def app_on(day):
        app = ScopekeeperApp(Workspace(db, user="tester", clock=lambda: day))
        app.drafts, app.data_file = folder, str(db)
        return app

    app = app_on(TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await pilot.press("Z")  # the start date is "today", as the form offers it
        assert app.screen.query_one("#field-start").value == "today"
        app.hang_up()
        await pilot.pause()

    app = app_on(TODAY + timedelta(days=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-name").value == "Z"
        assert form.query_one("#field-start").value == TODAY.isoformat()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert client(db, "Z").start_date == TODAY
