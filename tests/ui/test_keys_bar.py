"""The key bar says what the keys do: on every screen and every tab of a client, each key it
shows runs the action its label names (the binding with that label on that screen), a dimmed
key does nothing, and the bar shows the 3-5 main actions of the screen, none cut off."""

from __future__ import annotations

from pathlib import Path

import pytest

from screens.client.screen import ClientScreen
from screens.client.tab import TABS
from screens.flows.documents import open_document
from screens.review import log_kind
from screens.tables import KeyTable
from tests.ui.helpers import demo_file, make_app
from tests.ui.keys_helpers import bar_of, expected_call, labelled, recording
from tracker.models import ChangeStatus
from tracker.review_items import ReviewKind

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


async def check_bar(pilot, where: str) -> list[str]:
    """Press every key the bar shows; return the labels read, for the caller's checks."""
    from screens.bindings import own_bindings

    app = pilot.app
    screen = app.screen
    await pilot.pause()
    text, bar = bar_of(app)
    hints = bar.hints
    assert hints, where
    own = set(own_bindings(type(screen)))
    main = 0
    for hint in hints:
        shown = f"{app.get_key_display(hint.binding)} {hint.binding.description}"
        assert shown in text, (where, shown, text)
        assert hint.end - 1 <= bar.size.width, (where, "cut off", text)  # but a blank
        if hint.binding.id is None:  # the palette's key, Textual's own
            assert hint.binding.action == "command_palette", where
            expected = (app, "command_palette", ())
        else:
            named = labelled(app, screen, hint.binding.description)
            assert len(named) == 1, (where, "one label, one binding", named)
            expected = expected_call(app, screen, named[0])
            main += named[0] in own
        with recording(app, screen, *screen.query(KeyTable)) as calls:
            await pilot.press(hint.key)
            await pilot.pause()
        if hint.enabled:
            assert calls == [expected], (where, shown, calls)
        else:
            assert calls == [], (where, f"{shown} is dimmed but ran", calls)
    assert 3 <= main <= 5, (where, "the main actions", text)
    return [h.binding.description for h in hints]


async def test_every_review_item_kind(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        items = app.screen.shown.review
        kinds = {
            "cadence": lambda i: log_kind(i) is not None and i.kind != ReviewKind.CALL_SUMMARY,
            "call summary": lambda i: i.kind == ReviewKind.CALL_SUMMARY,
            "change request": lambda i: i.kind == ReviewKind.CHANGE_REQUEST,
            "warning sign": lambda i: i.kind.category == "sign",
        }
        for name, wanted in kinds.items():
            row = next(n for n, i in enumerate(items) if wanted(i))
            app.screen.query_one(KeyTable).move_cursor(row=row)
            labels = await check_bar(pilot, f"Review, a {name}")
            if name == "warning sign":
                assert {"Acknowledge", "Resolve"} <= set(labels)


@pytest.mark.parametrize("key", ["c", "t"], ids=["clients", "team"])
async def test_clients_and_team(db, key):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await check_bar(pilot, key)


def client_for(snapshot, tab: str) -> str:
    """A client that gives the tab something to act on."""
    def fits(a) -> bool:
        if tab == "signs":
            return any(not s.resolved for s in a.signs)
        if tab == "requests":
            return any(r.status is ChangeStatus.PENDING for r in a.history.change_requests)
        if tab == "scope":
            return bool(a.history.scope_items)
        return True
    return next(a.client.id for a in snapshot.assessments if fits(a))


@pytest.mark.parametrize("tab", TABS)
async def test_every_client_tab(db, tab):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_client(client_for(app.snapshot, tab), tab)
        await pilot.pause()
        await pilot.pause()  # a tab is filled once it is mounted
        assert isinstance(app.screen, ClientScreen) and app.screen.tab == tab
        await check_bar(pilot, f"client detail, {tab}")


async def test_document_screen(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        open_document(app, client_for(app.snapshot, "signs"), "save_mode_prep")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await check_bar(pilot, "document")


# --- the cases the issue names ---------------------------------------------------------------

async def test_signs_tab_bar_says_acknowledge_and_a_acknowledges(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_client(client_for(app.snapshot, "signs"), "signs")
        await pilot.pause()
        await pilot.pause()
        text, _ = bar_of(app)
        assert " a Acknowledge " in f"{text} " and "Add" not in text
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.form_title.startswith("Acknowledge")


async def test_review_shows_resolve_on_a_warning_sign(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        row = next(n for n, i in enumerate(app.screen.shown.review)
                   if i.kind.category == "sign")
        app.screen.query_one(KeyTable).move_cursor(row=row)
        await pilot.pause()
        await pilot.pause()
        text, _ = bar_of(app)
        assert "x Resolve" in text
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.form_title.startswith("Resolve")


async def test_a_key_for_one_tab_does_nothing_on_another(db):
    """Acknowledging is `a` on the Signs tab only: on Scope it neither adds nor acknowledges."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_client(client_for(app.snapshot, "signs"), "scope")
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        text, _ = bar_of(app)
        assert "Acknowledge" not in text
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen


async def test_a_remapped_key_keeps_its_place_in_the_bar(tmp_path):
    from screens.app import ScopekeeperApp
    from storage.workspace import Workspace
    from tests.factories import TODAY

    db = demo_file(tmp_path / "agency.json")
    plain_app = make_app(db)
    async with plain_app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before, _ = bar_of(plain_app)
    app = ScopekeeperApp(Workspace(db, user="tester", clock=lambda: TODAY),
                         keymap={"review.snooze": "z"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        after, _ = bar_of(app)
    assert " s Snooze " in before
    assert after == before.replace(" s Snooze ", " z Snooze ")
