"""How each screen and dialog looks at 80x24 with the demo agency on a fixed day.

Update only after looking at the report: ``pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from storage.engine.settings import Settings
from storage.repositories import Store
from tests.factories import agency_of, make_client
from tests.ui.helpers import demo_file, make_app
from tracker.models import AccessGrant, Assignment, NpsResponse, Role, TeamMember

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "a.json")


def client_id(db: Path, name: str) -> str:
    return next(c.id for c in Store(db).clients.all() if c.name == name)


def test_review_screen(snap_compare, db):
    assert snap_compare(make_app(db), terminal_size=SIZE)


def test_review_screen_after_moving_down(snap_compare, db):
    assert snap_compare(make_app(db), press=["j", "j", "j"], terminal_size=SIZE)


def test_clients_screen(snap_compare, db):
    assert snap_compare(make_app(db), press=["c"], terminal_size=SIZE)


def test_clients_filtered(snap_compare, db):
    assert snap_compare(make_app(db), press=["c", "slash", "o", "r", "enter"],
                        terminal_size=SIZE)


def test_team_screen(snap_compare, db):
    assert snap_compare(make_app(db), press=["t"], terminal_size=SIZE)


@pytest.mark.parametrize("tab", ["overview", "scope", "requests", "timeline", "cadence",
                                 "signs", "health", "history"])
def test_client_detail(snap_compare, db, tab):
    app = make_app(db)
    cid = client_id(db, "Copperline Coffee")

    async def open_it(pilot):
        app.open_client(cid, tab)
        await pilot.pause()
        await pilot.pause()  # a tab is filled once it is mounted
        if tab == "history":  # read in a worker thread (an empty trail: the file is a copy)
            await app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(app, run_before=open_it, terminal_size=SIZE)


def test_decide_dialog(snap_compare, db):
    app = make_app(db)
    cid = client_id(db, "Redwood Insurance")

    async def decide(pilot):
        app.open_client(cid, "requests")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()

    assert snap_compare(app, run_before=decide, terminal_size=SIZE)


def test_expand_form_with_new_total(snap_compare, db):
    app = make_app(db)
    cid = client_id(db, "Redwood Insurance")

    async def expand(pilot):
        app.open_client(cid, "requests")
        await pilot.pause()
        await pilot.press("d", "e")
        await pilot.pause()
        app.screen.query_one("#field-fee").value = "1,500"
        await pilot.pause()

    assert snap_compare(app, run_before=expand, terminal_size=SIZE)


def test_log_form(snap_compare, db):
    assert snap_compare(make_app(db), press=["l"], terminal_size=SIZE)


def test_form_with_errors(snap_compare, db):
    app = make_app(db)

    async def bad(pilot):
        await pilot.press("c", "n")
        await pilot.pause()
        app.screen.query_one("#field-fee").value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, run_before=bad, terminal_size=SIZE)


def test_conflict_dialog(snap_compare, db):
    app = make_app(db)
    cid = client_id(db, "Lumen Solar")

    async def clash(pilot):
        app.open_client(cid)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        at_10_42 = Settings(now=lambda: datetime(2026, 11, 23, 10, 42, tzinfo=UTC))
        other = Store(db, at_10_42, author="priya")  # Priya Shah in the demo's team
        other.clients.save(replace(other.clients.get(cid), comm_rules="Calls on Fridays only",
                                   fee_cents=300_000))
        app.screen.query_one("#field-fee").value = "9,999"
        app.screen.query_one("#field-location").value = "Leeds"
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, run_before=clash, terminal_size=SIZE)


def test_help_panel(snap_compare, db):
    assert snap_compare(make_app(db), press=["question_mark"], terminal_size=SIZE)


def test_welcome_screen(snap_compare):
    # a fixed path that does not exist: nothing is written unless a choice is made
    assert snap_compare(make_app(Path("/nonexistent/scopekeeper.json")), terminal_size=SIZE)


PAYLOADS = ["[bold red]x[/] [@click=app.quit]", "a [/x] b", "esc \x1b]0;PWNED\x07 osc",
            "bidi \u202eevil", "C:\\dir\\[b]"]


@pytest.fixture
def hostile(tmp_path) -> Path:
    db = tmp_path / "hostile.json"
    clients = [make_client(id=f"cli_{n}", name=p, comm_rules=p, location=p,
                           start_date=date(2025, 10, 19)) for n, p in enumerate(PAYLOADS)]
    pm = TeamMember(id="mem_pm", name="Pat [i]PM[/i]", role=Role.PM)
    an = TeamMember(id="mem_an", name="Ana \x1b[31mred", role=Role.ANALYST, max_clients=9)
    Store(db).replace_all(agency_of(
        *clients, team=False, members=[pm, an],
        assignments=[Assignment(id=f"asg_{p.id}_{c.id}", client_id=c.id, member_id=p.id,
                                since=c.start_date) for c in clients for p in (pm, an)],
        access_grants=[AccessGrant(id=f"acc_{c.id}", client_id=c.id, on=date(2026, 11, 20),
                                   who=c.name) for c in clients],
        nps=[NpsResponse(id=f"nps_{c.id}", client_id=c.id, on=date(2026, 11, 20), score=3,
                         comment=c.name) for c in clients]))
    return db


def test_markup_injection_review(snap_compare, hostile):
    assert snap_compare(make_app(hostile), terminal_size=SIZE)


def test_markup_injection_clients(snap_compare, hostile):
    assert snap_compare(make_app(hostile), press=["c"], terminal_size=SIZE)


def test_markup_injection_client_detail(snap_compare, hostile):
    app = make_app(hostile)

    async def open_it(pilot):
        app.open_client("cli_0")
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, run_before=open_it, terminal_size=SIZE)


def test_document_menu(snap_compare, db):
    app = make_app(db)
    cid = client_id(db, "Redwood Insurance")

    async def menu(pilot):
        app.open_client(cid)
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(app, run_before=menu, terminal_size=SIZE)


def test_document_preview(snap_compare, db):
    from screens.documents import DocumentScreen

    app = make_app(db)
    cid = client_id(db, "Redwood Insurance")

    async def preview(pilot):
        app.push_screen(DocumentScreen(cid, "stay_focused"))
        for _ in range(100):
            await pilot.pause(0.02)
            if app.screen.text:
                break
        await pilot.pause()

    assert snap_compare(app, run_before=preview, terminal_size=SIZE)
