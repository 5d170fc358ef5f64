"""No crash from timing: keys that arrive together, on every screen (issue 14).

A burst is what a terminal read delivers at once (keys typed fast, pasted, or queued over
a slow SSH link): every key of it is posted before the app handles the first, as the
terminal driver does. Pairs of each screen's keys (sampled, seeded), ``q`` and any key,
keys during the "Unsaved drafts" notice and keys right after a form opens must never stop
the app with an error.

``make test`` tries ``--burst-pairs`` (default 3) pairs per screen; ``--burst-pairs 0``
tries every pair of every screen (a few thousand, several minutes).
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.binding import Binding
from textual.keys import key_to_character

from screens.app import ScopekeeperApp
from storage import drafts
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file, make_app
from tests.ui.test_flows import clash_on_the_fee, client, select

Setup = Callable[[Any, ScopekeeperApp, Path], Awaitable[None]]
EXTRA = ("escape", "enter", "tab", "shift+tab", "up", "down", "x", "ctrl+s", "q", "1", "3",
         "8")


def burst(app: ScopekeeperApp, *keys: str) -> None:
    """``keys`` as one terminal read: all posted before the app handles the first."""
    for key in keys:
        app.post_message(events.Key(key, key_to_character(key)))


def keys_of(app: ScopekeeperApp) -> list[str]:
    """The keys that do something on the screen in front: its bindings, the app's, and
    the keys every screen meets (typing, moving, Escape, Enter)."""
    bound = [*app.screen.BINDINGS, *app.BINDINGS]
    found = {k.strip() for b in bound if isinstance(b, Binding) for k in b.key.split(",")}
    return sorted(found | set(EXTRA))


def lumen(db: Path) -> str:
    """The id of the client the screens open (a burst may have renamed it meanwhile)."""
    reference = db.with_name("reference.json")
    if not reference.exists():
        demo_file(reference)
    return client(reference, "Lumen Solar").id


async def settle(pilot: Any, app: ScopekeeperApp) -> None:
    for _ in range(3):
        await pilot.pause()
        if not app.is_running:
            return
    await app.workers.wait_for_complete()


async def press(pilot: Any, app: ScopekeeperApp, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot, app)


async def on_review(pilot, app, db) -> None:
    pass


async def on_clients(pilot, app, db) -> None:
    await press(pilot, app, "c")


async def on_team(pilot, app, db) -> None:
    await press(pilot, app, "t")


def on_tab(n: int) -> Setup:
    async def setup(pilot, app, db) -> None:
        await press(pilot, app, "c")
        await select(pilot, lumen(db))
        await press(pilot, app, "enter", str(n))
    return setup


async def on_help(pilot, app, db) -> None:
    await press(pilot, app, "c", "question_mark")


async def on_document(pilot, app, db) -> None:
    from screens.documents import DocumentScreen

    app.push_screen(DocumentScreen(lumen(db), "save_mode_prep"))
    await settle(pilot, app)


async def on_new_client_form(pilot, app, db) -> None:
    await press(pilot, app, "c", "n")


async def on_edit_form(pilot, app, db) -> None:
    await press(pilot, app, "c")
    await select(pilot, lumen(db))
    await press(pilot, app, "e")


async def on_log_form(pilot, app, db) -> None:
    await press(pilot, app, "l")


async def on_discard_dialog(pilot, app, db) -> None:
    await press(pilot, app, "c", "n", "A", "escape")


async def on_archive_form(pilot, app, db) -> None:
    await press(pilot, app, "c")
    await select(pilot, lumen(db))
    await press(pilot, app, "X")


async def on_conflict(pilot, app, db) -> None:
    await clash_on_the_fee(db, pilot, app, client(db, "Lumen Solar"))
    await settle(pilot, app)


SCREENS: dict[str, Setup] = {
    "review": on_review, "clients": on_clients, "team": on_team,
    **{f"client-tab-{n}": on_tab(n) for n in range(1, 9)},
    "help": on_help, "document": on_document, "new-client-form": on_new_client_form,
    "edit-client-form": on_edit_form, "log-form": on_log_form,
    "discard-dialog": on_discard_dialog, "archive-form": on_archive_form,
    "conflict-dialog": on_conflict,
}


@pytest.fixture
def pairs_per_screen(request) -> int:
    return int(request.config.getoption("burst_pairs"))


def sample(name: str, keys: list[str], many: int) -> list[tuple[str, str]]:
    """``many`` ordered pairs of ``keys`` (all of them if 0), the same ones every run;
    always including ``q`` followed by another key."""
    every = list(itertools.product(keys, repeat=2))
    if not many or many >= len(every):
        return every
    chosen = random.Random(f"bursts:{name}").sample(every, many - 1)
    return [("q", random.Random(name).choice(keys)), *chosen]


async def try_pairs(tmp_path: Path, name: str, many: int) -> list[str]:
    """Each sampled pair as one burst on screen ``name``; what went wrong, if anything."""
    setup, failures, todo, n = SCREENS[name], [], None, 0
    while todo is None or todo:
        n += 1
        db = demo_file(tmp_path / f"agency-{n}.json")
        app = make_app(db)
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot, app)
                await setup(pilot, app, db)
                if todo is None:
                    todo = sample(name, keys_of(app), many)
                while todo and app.is_running:
                    pair = todo.pop(0)
                    burst(app, *pair)
                    await settle(pilot, app)
                    if app.is_running and name != "conflict-dialog":
                        await back_to(pilot, app, setup, db)
                    else:
                        break  # quit (or a conflict, which happens once per file)
        except Exception as e:  # what Pilot re-raises: the app stopped on an error
            failures.append(f"{name} {pair}: {type(e).__name__}: {e}")
        if app.return_code not in (0, None):
            failures.append(f"{name} {pair}: exit {app.return_code}")
    return failures


async def back_to(pilot, app: ScopekeeperApp, setup: Setup, db: Path) -> None:
    """The screen under test again, however the burst left the app."""
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    await app.action_show("review")
    await settle(pilot, app)
    await setup(pilot, app, db)


@pytest.mark.parametrize("name", list(SCREENS))
async def test_every_pair_of_keys_in_one_burst_leaves_the_app_running(tmp_path, name,
                                                                     pairs_per_screen):
    assert await try_pairs(tmp_path, name, pairs_per_screen) == []


@pytest.mark.parametrize("name", ["review", "clients", "client-tab-1", "new-client-form"])
@pytest.mark.parametrize("second", ["e", "c", "n", "enter"])
async def test_q_and_another_key_quit_and_do_nothing_else(tmp_path, name, second):
    db = demo_file(tmp_path / "agency.json")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await SCREENS[name](pilot, app, db)
        shown = type(app.screen)
        burst(app, "q", second)
        await settle(pilot, app)
        assert not app.is_running or type(app.screen) is shown
    # in a form "q" is a letter typed; elsewhere it quits, and nothing after it is done
    assert app.return_code == (None if name.endswith("form") else 0)


@pytest.mark.parametrize("keys", [("c",), ("c", "e"), ("t", "c"), ("c", "q")])
async def test_keys_as_the_unsaved_drafts_notice_appears_do_not_crash(tmp_path, keys):
    """A draft pending at start, the review from the cache: the records are read in the
    background while the keys arrive (issue 14: 5 of 10 re-logins crashed on ``c``)."""
    db = demo_file(tmp_path / "agency.json")
    last = Workspace(db, user="t", clock=lambda: TODAY)
    last.keep(last.snapshot())  # kept by the last session
    folder = tmp_path / "drafts"
    drafts.save(folder, str(db), "New client", {"name": "Half-typed"},
                datetime(2026, 11, 22, 18, 0, tzinfo=UTC))
    for delay in (0.0, 0.15):
        ws = Workspace(db, user="tester", clock=lambda: TODAY, lazy=True)
        app = ScopekeeperApp(lambda ws=ws: ws, snapshot=ws.cached_snapshot(),
                             drafts=folder, data_file=str(db))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            if delay:
                await pilot.pause(delay)
            burst(app, *keys)
            await pilot.pause(0.3)
            await settle(pilot, app)
        assert app.return_code in (0, None), (keys, delay)


@pytest.mark.parametrize("opener", [("c", "n"), ("l",), ("c", "e")])
async def test_keys_right_after_a_form_opens_do_not_crash(tmp_path, opener):
    db = demo_file(tmp_path / "agency.json")
    for typed in (("A", "b"), ("escape", "c"), ("ctrl+s", "q")):
        app = make_app(db)
        async with app.run_test(size=(80, 24)) as pilot:
            if "e" in opener:
                await press(pilot, app, "c")
                await select(pilot, lumen(db))
                burst(app, "e", *typed)
            else:
                burst(app, *opener, *typed)  # the form opens and is typed into at once
            await settle(pilot, app)
        assert app.return_code in (0, None), (opener, typed)


@pytest.mark.parametrize("mode", ["clients", "team", "review"])
async def test_the_background_load_landing_as_a_screen_opens_does_not_crash(tmp_path, mode):
    """Seen 2 of issue 14: logging in again, the records finish loading in the background
    just as ``c`` switches to Clients; the refresh redrew the Clients screen before its
    widgets existed (NoMatches '#clients-trend-label') and the app died. Here the refresh is
    made to land at exactly that moment: the switch is asked for, and before the new screen
    is mounted the loaded snapshot arrives."""
    app = make_app(demo_file(tmp_path / "agency.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if mode == "review":
            await app.switch_mode("clients")
            await pilot.pause()
        switching = asyncio.ensure_future(app.switch_mode(mode))
        app._use(app.snapshot)  # the background load finishing now
        await switching
        app._use(app.snapshot)
        await pilot.pause()
        assert app.current_mode == mode and app.is_running
