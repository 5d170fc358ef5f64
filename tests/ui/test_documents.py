"""Documents in the TUI: from the decision, from Review and from the client, kept when sent."""

from __future__ import annotations

import pytest

from screens.documents import DocumentMenu, DocumentScreen
from screens.forms import FormScreen
from tests.accounts import NEWCOMER, needs_accounts, open_place
from tests.factories import TODAY
from tests.ui.helpers import demo_file, make_app, plain, written
from tests.ui.test_flows import SIZE, client, select, store
from tracker.models import InteractionKind


@pytest.fixture
def place():
    """A folder every account may enter (see tests/accounts.py)."""
    yield from open_place()


@pytest.fixture
def db(tmp_path):
    return demo_file(tmp_path / "agency.json")


async def test_deciding_expand_then_marking_the_change_order_sent_keeps_its_text(db):
    red = client(db, "Redwood Insurance")
    (cr,) = [r for r in store(db).change_requests.all() if r.client_id == red.id]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{red.id}:change_request:")
        await pilot.press("d", "e")
        await pilot.pause()
        app.screen.query_one("#field-fee").value = "1,500"
        await pilot.press("ctrl+s")
        text = await written(pilot, app)
        assert text.startswith("# Change order: Redwood Insurance")
        assert f"New monthly fee: **${(red.fee_cents + 150_000) // 100:,}**" in text
        assert "Add a Spanish version of the landing page" in text
        await pilot.press("s")
        await pilot.pause()
    kept = store(db).change_requests.get(cr.id)
    assert (kept.document_kind, kept.document, kept.document_on) == ("change_order", text, TODAY)


async def test_review_call_summary_item_writes_the_summary_and_sent_clears_it(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        item = next(i for i in app.snapshot.review if i.kind == "call_summary")
        await select(pilot, item.key)
        await pilot.press("w")
        text = await written(pilot, app)
        assert text.startswith(f"Subject: {item.client}: summary of our ")
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert item.key not in {i.key for i in app.snapshot.review}
    sent = [i for i in store(db).interactions.all()
            if i.client_id == item.client_id and i.kind is InteractionKind.CALL_SUMMARY_SENT
            and i.on == TODAY]
    assert [i.notes for i in sent] == [text]


async def test_client_documents_menu_monthly_report_asks_the_month(db):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id)
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, DocumentMenu)
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        month = app.screen.query_one("#field-month")
        assert month.value == "2026-10"
        month.value = "2026-13"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # not a month: nothing happens
        assert "not a month" in plain(app.screen.query_one("#msg-month"))
        month.value = "2026-09"
        await pilot.press("ctrl+s")
        text = await written(pilot, app)
        assert text.startswith("# Pinecrest Realty: monthly report, September 2026")
        assert app.screen.check_action("sent", ()) is False  # nothing to keep it with


async def test_a_broken_user_template_says_where_and_the_built_in_still_works(db, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "kickoff.md.j2").write_text("# {{ client.name }}\n{% for x in %}\n",
                                          encoding="utf-8")
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    app.templates = folder
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DocumentScreen(pine.id, "kickoff"))
        for _ in range(100):
            await pilot.pause(0.02)
            if app.screen.failed:
                break
        body = plain(app.screen.query_one("#document-body"))
        assert f"{folder / 'kickoff.md.j2'}, line 2:" in body and "press b" in body.lower()
        await pilot.press("b")
        text = await written(pilot, app)
        assert text.startswith("# Scope of work: Pinecrest Realty")


async def test_save_to_file_never_replaces_silently(db, tmp_path):
    pine = client(db, "Pinecrest Realty")
    target = tmp_path / "out.md"
    target.write_text("keep me", encoding="utf-8")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DocumentScreen(pine.id, "new_contact_briefing"))
        text = await written(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#field-path").value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and "exists" in app.screen.form_title
        await pilot.press("escape")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#field-path").value = str(target)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # replace
        await pilot.pause()
    assert target.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", ["kickoff", "call_summary", "change_order", "stay_focused",
                                  "new_contact_briefing", "save_mode_prep"])
async def test_every_document_renders_in_the_app(db, name):
    red = client(db, "Redwood Insurance")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DocumentScreen(red.id, name))
        text = await written(pilot, app)
        assert "Redwood Insurance" in text and len(text.splitlines()) > 10
        assert plain(app.screen.query_one("#document-body")) == text


async def test_palette_offers_the_documents_of_the_client_in_view(db):
    from screens.palette import AgencyCommands

    red = client(db, "Redwood Insurance")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(red.id)
        await pilot.pause()
        names = [n for n, _, _ in AgencyCommands(app.screen)._commands()]
        assert "document: change order (expand scope)" in names
        assert "document: save-mode conversation prep" in names


async def test_logging_an_activity_feeds_the_timeline_and_the_monthly_report(db):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id, "timeline")
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        app.screen.query_one("#field-title").value = "Sitelink A/B test"
        app.screen.query_one("#field-test").value = True
        app.screen.query_one("#field-result").text = "+4% CTR"
        app.screen.query_one("#field-outcome").value = "win"
        app.screen.query_one("#field-on").value = "2026-11-10"
        await pilot.press("ctrl+s")
        await pilot.pause()
        rows = [str(app.screen.query_one("#timeline-table").get_row_at(r)[3])
                for r in range(app.screen.query_one("#timeline-table").row_count)]
        assert "Sitelink A/B test: +4% CTR (win)" in rows
    (act,) = [a for a in store(db).activities.all()
              if a.client_id == pine.id and a.title == "Sitelink A/B test"]
    assert act.test and act.result == "+4% CTR" and act.outcome.value == "win"
    from datetime import date

    from tracker.documents import Sender, build

    model = build("monthly_report", store(db).load_agency(), pine, TODAY, Sender(name="t"),
                  month=date(2026, 11, 1))
    assert {"date": "Tue 10 Nov", "title": "Sitelink A/B test", "kind": "test",
            "result": "+4% CTR", "outcome": "win"} in model["wins"]


async def test_history_tab_shows_who_changed_what(db):
    from storage.workspace import Workspace

    pine = client(db, "Pinecrest Realty")
    other = Workspace(db, user="ben", clock=lambda: TODAY)
    from dataclasses import replace

    other.act.save(replace(pine, fee_cents=pine.fee_cents + 100_000))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id, "history")
        await pilot.pause()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#history-table")
        first = [str(c) for c in table.get_row_at(0)]
        assert first[1:3] == ["ben", "changed client"]
        assert first[3] == f"fee_cents: {pine.fee_cents} -> {pine.fee_cents + 100_000}"


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077], ids=["umask000", "umask022", "umask077"])
@pytest.mark.parametrize("data", ["private", "shared"])
async def test_a_document_saved_from_the_app_is_as_private_as_the_data(tmp_path, data, umask):
    """Private data: the document is its owner's only, even under umask 000. Data in a
    group-shared folder: the group may read it, in the data's group, even under umask 077."""
    import os
    import stat

    from tests.accounts import GROUP

    folder = tmp_path / "agency"
    folder.mkdir()
    if data == "shared":
        if os.geteuid() == 0:
            os.chown(folder, -1, GROUP)
        os.chmod(folder, 0o2770)
    db = demo_file(folder / "agency.json")
    target = tmp_path / "out" / "briefing.md"
    target.parent.mkdir()
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    old = os.umask(umask)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(DocumentScreen(pine.id, "new_contact_briefing"))
            text = await written(pilot, app)
            await pilot.press("w")
            await pilot.pause()
            app.screen.query_one("#field-path").value = str(target)
            await pilot.press("ctrl+s")
            await pilot.pause()
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == text
    st = target.stat()
    if data == "private":
        assert stat.S_IMODE(st.st_mode) == 0o600
    else:
        assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o660, folder.stat().st_gid)


async def test_a_document_saved_where_the_system_refuses_is_a_notification(db, tmp_path):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DocumentScreen(pine.id, "new_contact_briefing"))
        await written(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#field-path").value = "/proc/sk-document.md"  # no new files
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DocumentScreen)
        shown = [str(n.message) for n in app._notifications]
        assert any(m.startswith("/proc/sk-document.md: cannot write") for m in shown), shown


#: Run as another account: open a document, save it at each path given, say what was shown.
SAVE_AS = """
import asyncio, sys
from pathlib import Path
from screens.documents import DocumentScreen
from tests.ui.helpers import make_app, plain, written
from tests.ui.test_flows import SIZE, client


async def main(db, targets):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DocumentScreen(client(db, "Pinecrest Realty").id, "kickoff"))
        await written(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        for target in targets:  # each tried in the form, while it stays open
            app.screen.query_one("#field-path").value = target
            await pilot.press("ctrl+s")
            await pilot.pause()
            for msg in app.screen.query("#msg-path"):
                if plain(msg).strip():
                    print("form:", plain(msg))
        for n in app._notifications:
            print("notified:", n.message)
        print("still on:", type(app.screen).__name__)

asyncio.run(main(Path(sys.argv[1]), sys.argv[2:]))
"""


@needs_accounts
def test_a_document_saved_into_a_closed_folder_or_a_full_disk_is_said_not_a_crash(place):
    """As a person file modes apply to: a folder closed to them is said in the form (what
    they typed stays); a full disk (/dev/full) is a notification; the app goes on."""
    from tests.accounts import give, python_as

    folder = place / "data"
    folder.mkdir()
    db = demo_file(folder / "agency.json")
    give(folder, NEWCOMER)
    closed = place / "closed"
    closed.mkdir(mode=0o700)
    out = python_as(NEWCOMER, place, SAVE_AS, str(db), str(closed / "a" / "kickoff.md"),
                    "/dev/full")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        f"form: ✗ {closed / 'a'}: you may not write in this folder: choose one of yours",
        "notified: /dev/full: cannot write: No space left on device",
        "still on: DocumentScreen"]
