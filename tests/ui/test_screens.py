"""The TUI driven by keys through Textual's Pilot at 80x24."""

from __future__ import annotations

from pathlib import Path

from screens.clients import ClientsScreen
from screens.keybar import KeyBar
from screens.review import ReviewScreen
from screens.tables import KeyTable
from screens.welcome import WelcomeScreen
from storage.repositories import Store
from storage.workspace import Workspace
from tests.factories import TODAY, agency_of, make_access, make_client, make_contact_change
from tests.ui.helpers import demo_file, make_app
from tracker.models import ClientStatus, InteractionKind
from tracker.review import build_review
from tracker.warning_signs import SignCode

SIZE = (80, 24)


def table(app) -> KeyTable:
    return app.screen.query_one(KeyTable)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def test_opens_on_review_ranked_with_the_why(tmp_path):
    db = demo_file(tmp_path / "a.json")
    expected = build_review(Store(db).load_agency(), TODAY)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        t = table(app)
        assert t.row_count == len(expected)
        assert [t.coordinate_to_cell_key((r, 0)).row_key.value for r in range(t.row_count)] == [
            i.key for i in expected]
        first = t.get_row_at(0)
        assert first[1].plain == expected[0].client and first[2].plain == expected[0].why
        counts = text_of(app, "#review-counts")
        assert counts.startswith(f"{len(expected)} to review · ")
        assert "signs" in counts and "overdue" in counts
        assert expected[0].client in text_of(app, "#review-why")


async def test_j_and_k_move_and_the_why_follows(tmp_path):
    db = demo_file(tmp_path / "a.json")
    expected = build_review(Store(db).load_agency(), TODAY)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        assert table(app).cursor_row == 2
        assert expected[2].why in text_of(app, "#review-why").replace("\n", " ")
        await pilot.press("k")
        assert table(app).cursor_row == 1
        await pilot.press("G")
        assert table(app).cursor_row == len(expected) - 1
        await pilot.press("g")
        assert table(app).cursor_row == 0


async def test_clients_list_and_back(tmp_path):
    db = demo_file(tmp_path / "a.json")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        t = table(app)
        names = [t.get_row_at(r)[0].plain for r in range(t.row_count)]
        assert len(names) == 27
        assert names[0] == "Atlas Freight"
        assert names[-2:] == ["Vantage Games (churned)", "Willow Spa (prospect) (prospect)"]
        atlas = t.get_row_at(0)
        # an unresolved severe sign puts the number in the risk band too
        assert atlas[1].plain == "risk   49" and atlas[4].plain == "budget cut"
        assert "27 clients" in text_of(app, "#clients-summary")
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)


async def test_help_lists_the_bindings(tmp_path):
    app = make_app(demo_file(tmp_path / "a.json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


async def test_first_run_offers_the_demo(tmp_path):
    db = tmp_path / "new" / "agency.json"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert table(app).row_count > 20
    assert len(Store(db).load_agency().clients) == 27


async def test_first_run_can_start_empty_and_writes_nothing(tmp_path):
    db = tmp_path / "new" / "agency.json"
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert table(app).row_count == 0
        assert text_of(app, "#review-counts") == "No clients yet."
    assert not db.exists()


async def test_all_clear(tmp_path):
    db = tmp_path / "a.json"
    c = make_client(name="Calm Co", status=ClientStatus.PAUSED)
    Store(db).replace_all(agency_of(c))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert text_of(app, "#review-counts") == "All clear: nothing needs attention today."


async def test_reload_shows_what_someone_else_saved(tmp_path):
    db = demo_file(tmp_path / "a.json")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        before = table(app).row_count
        other = Workspace(db, user="someone", clock=lambda: TODAY)
        pinecrest = other.find_client("Pinecrest")
        other.log(pinecrest, InteractionKind.STATUS_CALL, TODAY)
        other.log(pinecrest, InteractionKind.CALL_SUMMARY_SENT, TODAY)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert table(app).row_count == before - 2


async def test_unreadable_file_on_reload_keeps_the_app_and_the_data_shown(tmp_path):
    db = demo_file(tmp_path / "a.json")
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = table(app).row_count
        db.write_text("{broken", encoding="utf-8")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert table(app).row_count == before
        assert any("not valid JSON" in str(n.message) for n in app._notifications)


PAYLOADS = ["[bold]x[/]", "a [/x] b", "[@click=app.quit]boom[/]", "[/",
            "esc \x1b]0;PWNED\x07 osc", "c1 \x9b6n", "C:\\dir\\[b]"]


async def test_user_text_is_shown_literally_everywhere(tmp_path):
    db = tmp_path / "a.json"
    clients = [make_client(name=p) for p in PAYLOADS]
    Store(db).replace_all(agency_of(
        *clients, access_grants=[make_access(c, who=c.name) for c in clients],
        contact_changes=[make_contact_change(clients[0])]))
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        t = table(app)
        shown = {t.get_row_at(r)[1].plain for r in range(t.row_count)}
        for p in PAYLOADS:
            safe = p.replace("\x1b", "\ufffd").replace("\x07", "\ufffd").replace("\x9b", "\ufffd")
            assert safe in shown
        for _ in range(t.row_count):  # the why line renders every one without error
            await pilot.press("j")
        await pilot.click("#review-table", offset=(30, 3))
        await pilot.press("c")
        await pilot.pause()
        t = table(app)
        names = {t.get_row_at(r)[0].plain for r in range(t.row_count)}
        assert "[bold]x[/]" in names and "a [/x] b" in names
        assert app.is_running  # the [@click=app.quit] text did nothing
        signs = {t.get_row_at(r)[4].plain for r in range(t.row_count)}
        assert all(s.startswith(SignCode.NEW_ACCESS.label) for s in signs)


async def test_first_run_demo_that_cannot_be_written_says_so():
    app = make_app(Path("/proc/scopekeeper-test.json"))  # readable as missing, never writable
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert any("cannot write" in str(n.message) for n in app._notifications)


async def test_key_bar_follows_the_selected_item_and_a_click_presses_the_key(tmp_path):
    db = demo_file(tmp_path / "a.json")
    expected = build_review(Store(db).load_agency(), TODAY)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        first = str(bar.render())
        assert first.startswith(" l Log it ") and "c Clients" in first
        request = next(n for n, i in enumerate(expected) if i.kind == "change_request")
        for _ in range(request):
            await pilot.press("j")
        await pilot.pause()
        shown = str(bar.render())
        assert "d Decide" in shown and "l Log it" not in shown
        x = shown.index(" c Clients") + 2
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)


async def test_key_bar_keeps_every_key_on_an_80_column_line(tmp_path):
    db = demo_file(tmp_path / "a.json")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("j")
        await pilot.press("c")
        await pilot.pause()
        shown = str(app.screen.query_one(KeyBar).render())
        assert len(shown) <= 80 and shown.rstrip().endswith("q Quit")


async def test_the_collector_kept_off_for_the_start_is_on_again_after_the_first_frame(
        tmp_path):
    # `scopekeeper` turns the cyclic collector off before Textual is imported (cmd_tui);
    # an app whose collector stayed off would grow with every cycle it ever made
    import gc

    from screens.in_step import FIRST_FRAME_SECONDS

    app = make_app(demo_file(tmp_path / "agency.json"))
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(FIRST_FRAME_SECONDS * 2)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # what the start made: out of the passes
    finally:
        gc.enable()
        gc.unfreeze()
