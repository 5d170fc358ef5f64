"""Every flow of the TUI, driven by keys, checked against what was stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from screens.client.screen import ClientScreen
from screens.confirm import DiscardScreen
from screens.conflict import ConflictScreen
from screens.decide import DecideScreen
from screens.editor import edit_in_editor
from screens.forms import FormScreen
from screens.tables import KeyTable
from storage.backends import open_storage
from storage.contract import Storage
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_database, demo_file, make_app, plain, written
from tracker.models import ChangeStatus, ClientStatus, InteractionKind, ScopeOrigin, ScopeStatus
from tracker.settings import DEFAULT_THRESHOLDS

SIZE = (80, 24)


#: A test of what only the data file has.
ONLY_THE_FILE = pytest.mark.parametrize("db", ["tinydb"], indirect=True)


@pytest.fixture(params=["tinydb", "postgresql"])
def db(request, tmp_path) -> Path | str:
    """The demo agency in a data file, and in a PostgreSQL database: every flow works the
    same on both (on PostgreSQL the app reads a summary and one client's records at a
    time: ``Workspace.focus``)."""
    if request.param == "postgresql":
        return demo_database(request.getfixturevalue("postgres_server"))
    return demo_file(tmp_path / "agency.json")


def store(db: Path | str) -> Storage:
    return open_storage(db, author="check", clock=lambda: TODAY,
                        thresholds=DEFAULT_THRESHOLDS)


def client(db: Path, name: str):
    return next(c for c in store(db).clients.all() if c.name == name)


def table(app, selector: str = "KeyTable") -> KeyTable:
    return app.screen.query_one(selector, KeyTable)


async def select(pilot, key_part: str, selector: str = "KeyTable") -> None:
    """Put the cursor on the row whose key contains ``key_part``."""
    t = table(pilot.app, selector)
    keys = [t.coordinate_to_cell_key((r, 0)).row_key.value for r in range(t.row_count)]
    t.move_cursor(row=next(i for i, k in enumerate(keys) if key_part in k))
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space", ",": "comma", ".": "full_stop", "-": "minus",
                         "/": "slash", ":": "colon"}.get(ch, ch) for ch in text])


# --- Review -------------------------------------------------------------------------------


async def test_log_the_overdue_status_call_from_review(db):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{pine.id}:status_call:")
        await pilot.press("l")
        assert isinstance(app.screen, FormScreen)
        await type_text(pilot, "back on track")
        await pilot.press("enter")
        await pilot.pause()
        keys = [table(app).coordinate_to_cell_key((r, 0)).row_key.value
                for r in range(table(app).row_count)]
        assert not any(k.startswith(f"{pine.id}:status_call:") for k in keys)
    calls = [i for i in store(db).interactions.all()
             if i.client_id == pine.id and i.on == TODAY and i.kind is InteractionKind.STATUS_CALL]
    assert [(c.notes, c.author) for c in calls] == [("back on track", "tester")]


async def test_acknowledge_a_sign_stores_the_note_and_clears_it_from_review(db):
    north = client(db, "Northwind Outdoor")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{north.id}:new_access:")
        await pilot.press("a")
        await type_text(pilot, "asked: an audit, not a new agency")
        await pilot.press("enter")
        await pilot.pause()
        assert not any(f"{north.id}:new_access:" in table(app).coordinate_to_cell_key(
            (r, 0)).row_key.value for r in range(table(app).row_count))
    (state,) = [s for s in store(db).sign_states.all() if s.client_id == north.id]
    assert (state.note, state.acknowledged_by, state.acknowledged_on) == (
        "asked: an audit, not a new agency", "tester", TODAY)
    assert state.resolved_on is None


async def test_acknowledging_needs_a_note(db):
    north = client(db, "Northwind Outdoor")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{north.id}:new_access:")
        await pilot.press("a", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "required" in plain(app.screen.query_one("#msg-note"))
        await pilot.press("escape")
    assert not [s for s in store(db).sign_states.all() if s.client_id == north.id]


async def test_resolve_and_snooze_from_review(db):
    atlas = client(db, "Atlas Freight")
    harbor = client(db, "Harbor Dental Group")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{atlas.id}:budget_cut:")
        await pilot.press("x")
        await type_text(pilot, "budget restored")
        await pilot.press("enter")
        await pilot.pause()
        await select(pilot, f"{harbor.id}:contact_change:")
        await pilot.press("s", "enter")
        await pilot.pause()
    states = {s.client_id: s for s in store(db).sign_states.all()}
    assert states[atlas.id].resolved_on == TODAY and "budget restored" in states[atlas.id].note
    (snooze,) = store(db).snoozes.all()
    assert snooze.item_key.startswith(f"{harbor.id}:contact_change:")
    assert snooze.until == TODAY + timedelta(days=7)


async def test_snooze_refuses_a_day_in_the_past(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        field = app.screen.query_one("#field-until")
        field.value = "yesterday"
        await pilot.pause()  # said as typed, not only on saving
        assert "give a day after today" in plain(app.screen.query_one("#msg-until"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert "after today" in plain(app.screen.query_one("#msg-until"))
    assert store(db).snoozes.all() == ()


async def test_decide_expand_creates_scope_and_raises_the_fee(db):
    red = client(db, "Redwood Insurance")
    (cr,) = [r for r in store(db).change_requests.all() if r.client_id == red.id]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{red.id}:change_request:")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecideScreen)
        body = plain(app.screen.query_one("#decide-body Static"))
        assert "Free favours" in body and "Monthly fee" in body
        await pilot.press("e")
        await pilot.pause()
        fee = app.screen.query_one("#field-fee")
        fee.value = "1,500"
        await pilot.pause()
        preview = plain(app.screen.query_one("#form-preview"))
        assert f"= ${(red.fee_cents + 150_000) // 100:,}" in preview
        await pilot.press("ctrl+s")
        await pilot.pause()
    s = store(db)
    decided = s.change_requests.get(cr.id)
    assert (decided.status, decided.decided_by, decided.decided_on) == (
        ChangeStatus.EXPAND, "tester", TODAY)
    (item,) = [i for i in s.scope_items.all() if i.change_request_id == cr.id]
    assert item.origin is ScopeOrigin.CHANGE_REQUEST and item.fee_cents == 150_000
    assert item.title == "Add a Spanish version of the landing page"
    assert decided.scope_item_ids == (item.id,)
    assert s.clients.get(red.id).fee_cents == red.fee_cents + 150_000


async def test_decide_stay_focused_parks_it_with_the_reason(db):
    red = client(db, "Redwood Insurance")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{red.id}:change_request:")
        await pilot.press("d", "f")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    (cr,) = [r for r in store(db).change_requests.all() if r.client_id == red.id]
    assert cr.status is ChangeStatus.FOCUS and cr.reason.startswith("Let's finish")


async def test_small_favour_warns_about_the_pattern(db):
    smile = client(db, "Bright Smile Ortho")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{smile.id}:change_request:")
        await pilot.press("d", "s")
        await pilot.pause()
        intro = plain(app.screen.query_one("#form-intro"))
        assert "favour number 4" in intro and "That is a pattern" in intro
        await pilot.press("ctrl+s")
        await pilot.pause()
    favours = [r for r in store(db).change_requests.all()
               if r.client_id == smile.id and r.status is ChangeStatus.FAVOUR]
    assert len(favours) == 4


async def test_open_client_from_review_lands_on_the_right_tab(db):
    north = client(db, "Northwind Outdoor")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{north.id}:new_access:")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen) and app.screen.tab == "signs"
        assert "Evidence:" in plain(app.screen.query_one("#signs-detail"))
        await pilot.press("escape")
        assert not isinstance(app.screen, ClientScreen)


# --- Clients ------------------------------------------------------------------------------


async def test_filter_sort_and_trend(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "slash")
        await type_text(pilot, "lumen")
        await pilot.pause()
        assert table(app).row_count == 1
        assert table(app).get_row_at(0)[0].plain == "Lumen Solar"
        await pilot.press("enter")  # back to the list
        assert "contacts/week" in plain(app.screen.query_one("#clients-trend-label"))
        assert app.screen.query_one("#clients-sparkline").data
        await pilot.press("escape")
        await pilot.pause()
        assert table(app).row_count == 27
        await pilot.press("s")  # by health: the worst first
        await pilot.pause()
        scores = [int(table(app).get_row_at(r)[1].plain.split()[-1]) for r in range(25)]
        assert scores == sorted(scores)
        assert "sorted by health" in plain(app.screen.query_one("#clients-summary"))


async def test_new_edit_and_archive_a_client(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await type_text(pilot, "Acme Rockets")
        app.screen.query_one("#field-fee").value = "4,000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)  # the new client opens
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#field-fee").value = "4500"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    acme = client(db, "Acme Rockets")
    assert acme.fee_cents == 450_000 and acme.status is ClientStatus.CHURNED and acme.rev == 3


async def test_form_shows_errors_next_to_fields_and_saves_nothing(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        app.screen.query_one("#field-fee").value = "lots"
        app.screen.query_one("#field-start").value = "31 feb"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        msg = {n: plain(app.screen.query_one(f"#msg-{n}")) for n in ("name", "fee",
                                                                           "start")}
        assert "required" in msg["name"]
        assert "not an amount" in msg["fee"]
        assert "not a date" in msg["start"]
        app.screen.query_one("#field-start").value = "Dec 1"
        await pilot.pause()
        assert "Tue 01 Dec 2026" in plain(app.screen.query_one("#msg-start"))
        await pilot.press("escape")
    assert len(store(db).clients.all()) == 27


# --- Client detail ------------------------------------------------------------------------


async def test_scope_add_complete_drop(db):
    lumen = client(db, "Lumen Solar")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(lumen.id, "scope")
        await pilot.pause()
        await pilot.press("n")  # New (client.add)
        await pilot.pause()
        await type_text(pilot, "Quarterly CRO audit")
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = next(i for i in store(db).scope_items.all() if i.title == "Quarterly CRO audit")
        await select(pilot, new.id, "#scope-table")
        await pilot.press("f")
        await pilot.pause()
        assert store(db).scope_items.get(new.id).status is ScopeStatus.DONE
        await select(pilot, new.id, "#scope-table")
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert store(db).scope_items.get(new.id).status is ScopeStatus.DROPPED


async def test_requests_tab_logs_and_decides(db):
    lumen = client(db, "Lumen Solar")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(lumen.id, "requests")
        await pilot.pause()
        await pilot.press("n")  # New (client.add)
        await pilot.pause()
        await type_text(pilot, "Extra landing page")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (cr,) = [r for r in store(db).change_requests.all() if r.client_id == lumen.id]
        await select(pilot, cr.id, "#requests-table")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecideScreen)
        await pilot.press("f", "ctrl+s")
        await pilot.pause()
    assert store(db).change_requests.get(cr.id).status is ChangeStatus.FOCUS


async def test_timeline_logs_every_kind_of_event(db):
    atlas = client(db, "Atlas Freight")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(atlas.id, "timeline")
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        await type_text(pilot, "5")
        await pilot.press("ctrl+s")
        await pilot.press("B")
        await pilot.pause()
        app.screen.query_one("#field-new").value = "5000"
        await pilot.press("ctrl+s")
        await pilot.press("A")
        await pilot.pause()
        app.screen.query_one("#field-who").value = "seo@rival.com"
        await pilot.press("ctrl+s")
        await pilot.press("C")
        await pilot.pause()
        await type_text(pilot, "Dana Park")
        await pilot.press("ctrl+s")
        await pilot.press("L")
        await pilot.pause()
        app.screen.query_one("#field-note").load_text("Quarterly review in person")
        await pilot.press("ctrl+s")
        await pilot.pause()
        t = table(app, "#timeline-table")
        kinds = {t.get_row_at(r)[1].plain for r in range(t.row_count)}
        assert {"NPS response", "budget change", "access granted", "main contact change",
                "status call"} <= kinds
    s = store(db)
    assert [n.score for n in s.nps.all() if n.client_id == atlas.id] == [5]
    budgets = sorted((b for b in s.budget_changes.all() if b.client_id == atlas.id),
                     key=lambda b: b.on)
    assert (budgets[-1].old_cents, budgets[-1].new_cents) == (700_000, 500_000)
    assert any(g.who == "seo@rival.com" for g in s.access_grants.all())
    assert s.clients.get(atlas.id).primary_contact.name == "Dana Park"


async def test_tabs_by_number_and_health_breakdown(db):
    copper = client(db, "Copperline Coffee")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(copper.id)
        await pilot.pause()
        assert "Main contact" in plain(app.screen.query_one("#overview-body"))
        for n, tab in enumerate(("overview", "scope", "requests", "timeline", "cadence",
                                 "signs", "health"), start=1):
            await pilot.press(str(n))
            await pilot.pause()
            assert app.screen.tab == tab
        health = plain(app.screen.query_one("#health-body"))
        assert "low NPS (severe)" in health and "-25" in health


async def test_a_long_timeline_shows_a_window_and_more_on_request(db):
    pine = client(db, "Pinecrest Realty")
    ws = Workspace(db, user="bulk", clock=lambda: TODAY)
    from storage.ids import new_id
    from tracker.models import Interaction

    ws.store.interactions.save_many(
        Interaction(id=new_id("Interaction"), client_id=pine.id, kind=InteractionKind.EMAIL,
                    on=TODAY - timedelta(days=n % 700)) for n in range(5000))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id, "timeline")
        await pilot.pause()
        assert table(app, "#timeline-table").row_count == 200
        assert "newest 200 shown" in plain(app.screen.query_one("#timeline-count"))
        await pilot.press("m")
        await pilot.pause()
        assert table(app, "#timeline-table").row_count == 400


# --- Team ---------------------------------------------------------------------------------


async def test_team_assign_unassign_and_new_person(db):
    river = client(db, "Riverbend Clinics")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        thin = plain(app.screen.query_one("#team-thin"))
        assert "Riverbend Clinics" in thin
        ben = next(m for m in store(db).members.all() if m.name == "Ben Okafor")
        await select(pilot, ben.id)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-client").value = river.id
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Riverbend" not in plain(app.screen.query_one("#team-thin"))
        row = table(app).get_row(ben.id)
        assert "4/3 over" in row[2].plain
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#field-assignment").value = next(
            a.id for a in store(db).assignments.all()
            if a.member_id == ben.id and a.client_id == river.id)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "Zoe Analyst")
        await pilot.press("ctrl+s")
        await pilot.pause()
    s = store(db)
    assert not [a for a in s.assignments.all() if a.member_id == ben.id
                and a.client_id == river.id]
    assert any(m.name == "Zoe Analyst" and m.capacity == 3 for m in s.members.all())


# --- everywhere ---------------------------------------------------------------------------


async def test_a_fee_edit_over_a_new_main_contact_is_merged_without_asking(db):
    """The case that was seen: the fee edited in a form while someone records a new main
    contact from the command line; saving keeps both."""
    cedar = client(db, "Lumen Solar")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await select(pilot, cedar.id)
        await pilot.press("e")
        await pilot.pause()
        other = Workspace(db, user="priya", clock=lambda: TODAY)  # the CLI, meanwhile
        other.act.contact_change(other.find_client("Lumen"), "Zoe Park", "CMO")
        app.screen.query_one("#field-fee").value = "9,999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConflictScreen)
    saved = client(db, "Lumen Solar")
    assert saved.fee_cents == 999_900 and saved.primary_contact.name == "Zoe Park"
    last = store(db).history(cedar.id)[-1]
    assert [c.field for c in last.changes] == ["fee_cents"]  # nothing else was written


async def clash_on_the_fee(db, pilot, app, lumen):
    """I edit the fee and the location; meanwhile someone sets the fee and the rules."""
    await pilot.press("c")
    await select(pilot, lumen.id)
    await pilot.press("e")
    await pilot.pause()
    other = Workspace(db, user="priya", clock=lambda: TODAY)
    other.act.save(replace(lumen, fee_cents=300_000, comm_rules="Calls on Fridays"),
                   base=lumen)
    app.screen.query_one("#field-fee").value = "9,999"
    app.screen.query_one("#field-location").value = "Leeds"
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_only_the_clashing_field_is_shown_with_its_label_and_values(db):
    lumen = client(db, "Lumen Solar")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await clash_on_the_fee(db, pilot, app, lumen)
        assert isinstance(app.screen, ConflictScreen)
        fields = app.screen.query_one("#conflict-fields")
        rows = [[c.plain for c in fields.get_row_at(r)] for r in range(fields.row_count)]
        assert rows == [["Monthly fee", "○ $9,999", "○ $3,000"]]
        heads = [str(c.label) for c in fields.columns.values()]
        assert heads == ["Field", "Yours", "Priya Shah's"]  # who, by name (login priya)
        title = plain(app.screen.query_one("#conflict-box Static"))
        assert title.startswith("Priya Shah also changed this client (")
        shown = plain(app.screen.query_one("#conflict-kept"))
        assert shown == ("Merged without asking, yours: Location; Priya Shah's: "
                         "Communication rules.")
        await pilot.press("escape")  # explains; discards nothing
        await pilot.press("ctrl+s")  # not until every field has a choice
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("m", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ConflictScreen)
    saved = client(db, "Lumen Solar")
    assert (saved.fee_cents, saved.location, saved.comm_rules) == (
        999_900, "Leeds", "Calls on Fridays")


async def test_keeping_theirs_keeps_my_other_changes(db):
    lumen = client(db, "Lumen Solar")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await clash_on_the_fee(db, pilot, app, lumen)
        await pilot.press("t", "ctrl+s")
        await pilot.pause()
    saved = client(db, "Lumen Solar")
    assert (saved.fee_cents, saved.location, saved.comm_rules) == (
        300_000, "Leeds", "Calls on Fridays")


async def test_another_process_write_appears_without_moving_the_cursor(db):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        key = table(app).selected_key()
        before = table(app).row_count
        other = Workspace(db, user="someone", clock=lambda: TODAY)
        other.log(pine, InteractionKind.CALL_SUMMARY_SENT, TODAY)  # clears Pinecrest's summary
        await pilot.pause(2.0)  # the app looks every second
        assert table(app).row_count == before - 1
        assert table(app).selected_key() == key


async def test_palette_opens_a_client(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "client: open lumen")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)
        assert app.screen.client_id == client(db, "Lumen Solar").id


async def test_user_keymap_remaps_by_id(db):
    from screens.app import ScopekeeperApp

    app = ScopekeeperApp(Workspace(db, user="tester", clock=lambda: TODAY),
                         keymap={"review.snooze": "z"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen) and "Snooze" in app.screen.form_title


def test_notes_can_be_written_in_the_editor(tmp_path):
    script = tmp_path / "ed.sh"
    script.write_text("#!/bin/sh\nprintf 'from the editor\\n' >> \"$1\"\n", encoding="utf-8")
    script.chmod(0o755)

    class FakeApp:
        def __init__(self):
            self.notes: list[str] = []

        def suspend(self):
            import contextlib

            return contextlib.nullcontext()

        def notify(self, message, **_):
            self.notes.append(message)

    assert edit_in_editor(FakeApp(), "draft\n", str(script)) == "draft\nfrom the editor"
    fake = FakeApp()
    assert edit_in_editor(fake, "draft", "false") is None and "exited with 1" in fake.notes[0]


@ONLY_THE_FILE  # the review kept beside a data file
async def test_starts_from_the_kept_review_then_reads_the_records(db):
    from screens.app import ScopekeeperApp

    before = Workspace(db, user="t", clock=lambda: TODAY)
    before.keep(before.snapshot())  # someone computed it before
    ws = Workspace(db, user="tester", clock=lambda: TODAY, lazy=True)
    cached = ws.cached_snapshot()
    assert cached is not None
    app = ScopekeeperApp(ws, snapshot=cached)
    async with app.run_test(size=SIZE) as pilot:
        assert table(app).row_count == len(cached.review)  # shown before any record is read
        assert app.snapshot.partial
        await pilot.pause(0.6)  # the records are read after the first frame
        assert not app.snapshot.partial
        assert app.screen.check_action("open", ()) is True
        assert table(app).row_count == len(cached.review)


async def test_a_database_review_is_shown_from_the_persons_copy_then_read_afresh(
        request, tmp_path):
    """On PostgreSQL the first frame shows the review this person's last session read
    (their own copy, 0600, marked as updating: only the database knows whether anyone saved
    since), then the database's: here someone logged the call meanwhile."""
    from screens.app import ScopekeeperApp
    from screens.review import log_kind
    from storage.review_cache import peek_copy

    url = demo_database(request.getfixturevalue("postgres_server"))
    copy = tmp_path / "cache" / "review.json"
    last = Workspace(url, user="tester", clock=lambda: TODAY, review_copy=copy)
    before = last.snapshot()
    last.keep(before)  # what the last session did after reading
    assert copy.stat().st_mode & 0o777 == 0o600
    item = next(i for i in before.review if log_kind(i) is not None)
    someone = Workspace(url, user="ann", clock=lambda: TODAY)
    someone.log(someone.find_client(item.client_id), log_kind(item), TODAY)
    shown = peek_copy(copy, TODAY, DEFAULT_THRESHOLDS)
    assert shown is not None and shown.stale and shown.review == before.review
    assert peek_copy(copy, TODAY + timedelta(days=1), DEFAULT_THRESHOLDS) is None

    app = ScopekeeperApp(lambda: Workspace(url, user="tester", clock=lambda: TODAY,
                                           lazy=True, review_copy=copy), snapshot=shown)
    async with app.run_test(size=SIZE) as pilot:
        assert plain(app.screen.query_one("#review-counts")).startswith(
            f"{len(before.review)} to review (updating…) · ")
        for _ in range(50):
            await pilot.pause(0.1)
            if not app.snapshot.partial:
                break
        assert app.snapshot.summary  # every client's kept assessment, not every record
        keys = [table(app).coordinate_to_cell_key((r, 0)).row_key.value
                for r in range(table(app).row_count)]
        assert item.key not in keys
        assert keys == [i.key for i in someone.store.review(TODAY).review]
    again = peek_copy(copy, TODAY, DEFAULT_THRESHOLDS)  # kept for the next start
    assert again is not None and item not in again.review


@ONLY_THE_FILE  # the review kept beside a data file
async def test_a_stale_kept_review_is_shown_marked_then_replaced(db):
    from screens.app import ScopekeeperApp
    from screens.review import log_kind
    from storage.review_cache import peek
    from tracker.settings import DEFAULT_THRESHOLDS

    first = Workspace(db, user="t", clock=lambda: TODAY)
    before = first.snapshot()
    first.keep(before)
    item = next(i for i in before.review if log_kind(i) is not None)
    first.log(first.find_client(item.client_id), log_kind(item), TODAY)  # someone did it
    assert peek(db, TODAY, DEFAULT_THRESHOLDS) is None  # the command line never uses it
    stale = peek(db, TODAY, DEFAULT_THRESHOLDS, stale_ok=True)
    assert stale is not None and stale.stale and stale.review == before.review

    app = ScopekeeperApp(lambda: Workspace(db, user="tester", clock=lambda: TODAY, lazy=True),
                         snapshot=stale)
    async with app.run_test(size=SIZE) as pilot:
        assert table(app).row_count == len(before.review)
        assert plain(app.screen.query_one("#review-counts")).startswith(
            f"{len(before.review)} to review (updating…) · ")
        assert app.screen.check_action("log", ()) is None  # greyed out until read
        await pilot.pause(0.8)
        assert not app.snapshot.partial
        keys = [table(app).coordinate_to_cell_key((r, 0)).row_key.value
                for r in range(table(app).row_count)]
        assert item.key not in keys and len(keys) < len(before.review)
        assert "updating" not in plain(app.screen.query_one("#review-counts"))


async def test_a_refresh_never_discards_an_open_form(db):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await type_text(pilot, "Half typed")
        other = Workspace(db, user="someone", clock=lambda: TODAY)
        other.log(pine, InteractionKind.EMAIL, TODAY)
        await pilot.pause(1.6)
        assert isinstance(app.screen, FormScreen)
        assert app.screen.query_one("#field-name").value == "Half typed"
        await pilot.press("escape")  # a lone Escape never throws typing away: it asks
        await pilot.pause()
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen.query_one("#field-name").value == "Half typed"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert table(app).row_count == 27


# --- documents say what was decided (issue 12 §2) ---------------------------------------


async def test_stay_focused_types_after_the_default_and_the_reply_carries_the_reason(db):
    red = client(db, "Redwood Insurance")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{red.id}:change_request:")
        await pilot.press("d", "f")
        await pilot.pause()
        await pilot.press(*" See you Monday.")  # typed after the default text
        await pilot.press("ctrl+s")
        reply = await written(pilot, pilot.app)
    (cr,) = [r for r in store(db).change_requests.all() if r.client_id == red.id]
    assert cr.reason.startswith("Let's finish") and cr.reason.endswith("See you Monday.")
    assert cr.reason in reply  # what the form asked for is in the document it produces


async def test_a_one_off_fee_leaves_the_monthly_fee_and_says_so(db):
    red = client(db, "Redwood Insurance")
    (cr,) = [r for r in store(db).change_requests.all() if r.client_id == red.id]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{red.id}:change_request:")
        await pilot.press("d", "e")
        await pilot.pause()
        app.screen.query_one("#field-fee").value = "1,800"
        app.screen.query_one("#field-fee_kind").value = "one_off"
        await pilot.pause()
        preview = plain(app.screen.query_one("#form-preview"))
        assert preview == (f"One-off fee: $1,800; the monthly fee stays "
                           f"${red.fee_cents // 100:,}")
        await pilot.press("ctrl+s")
        order = await written(pilot, pilot.app)
    assert client(db, "Redwood Insurance").fee_cents == red.fee_cents
    (item,) = [i for i in store(db).scope_items.all() if i.change_request_id == cr.id]
    assert item.fee_kind.value == "one_off"
    assert "One-off fee for this work: **$1,800**" in order and "(unchanged)" in order


async def test_a_call_is_logged_with_who_attended(db):
    pine = client(db, "Pinecrest Realty")
    before = {i.id for i in store(db).interactions.all()}
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id, "timeline")
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        ours = app.screen.query_one("#field-ours")
        assert ours.value  # the people covering the client, to correct
        ours.value = "Priya Shah, Theo Lang"
        app.screen.query_one("#field-theirs").value = "Zoe Park,  zoe park, Sam Lee"
        await pilot.press("ctrl+s")
        await pilot.pause()
    (call,) = [i for i in store(db).interactions.all() if i.id not in before]
    assert call.attendees_ours == ("Priya Shah", "Theo Lang")
    assert call.attendees_theirs == ("Zoe Park", "Sam Lee")  # each once


# --- one name, one client; mistakes can be undone (issue 12 §4) --------------------------


async def test_a_second_client_whose_name_differs_only_in_case_is_refused(db):
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await type_text(pilot, " lumen  SOLAR ")
        app.screen.query_one("#field-fee").value = "4,200"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # refused in the form: what was typed stays, to correct
        assert isinstance(app.screen, FormScreen)
        assert plain(app.screen.query_one("#msg-name")) == (
            "✗ Lumen Solar is already a client: give a name that tells them apart")
        assert app.screen.query_one("#field-fee").value == "4,200"
    assert [c.name for c in store(db).clients.all()].count("Lumen Solar") == 1
    assert not [c for c in store(db).clients.all() if c.name.strip() == "lumen  SOLAR"]


async def test_a_repeated_key_never_applies_an_action_twice(db):
    pine = client(db, "Pinecrest Realty")
    sent = lambda: [i for i in store(db).interactions.all()  # noqa: E731
                    if i.client_id == pine.id and i.kind is InteractionKind.CALL_SUMMARY_SENT]
    before, logged = len(sent()), len(store(db).interactions.all())
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, f"{pine.id}:call_summary")
        await pilot.press("w")
        await written(pilot, pilot.app)
        await pilot.press("s", "s", "s")  # mark sent, three times over
        await pilot.pause()
        assert len(sent()) == before + 1
        app.open_client(pine.id, "timeline")
        await pilot.pause()
        await pilot.press("N")
        await pilot.pause()
        app.screen.query_one("#field-score").value = "9"
        await pilot.press("ctrl+s", "ctrl+s")  # saved once
        await pilot.pause()
    assert len([r for r in store(db).nps.all() if r.client_id == pine.id and r.score == 9]) == 1
    assert len(store(db).interactions.all()) == logged + 1


async def select_entry(pilot, entry_id: str) -> None:
    await select(pilot, entry_id, "#timeline-table")


async def test_a_timeline_entry_is_corrected_or_deleted_with_an_audit_trail(db):
    nps = store(db).nps.all()[0]
    lumen = store(db).clients.get(nps.client_id)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(lumen.id, "timeline")
        await pilot.pause()
        await select_entry(pilot, nps.id)
        await pilot.press("enter")  # Enter opens the entry, filled in
        await pilot.pause()
        assert app.screen.query_one("#field-score").value == str(nps.score)
        app.screen.query_one("#field-score").value = "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store(db).nps.get(nps.id).score == 3
        await select_entry(pilot, nps.id)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#field-delete").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Delete the NPS 3/10 of" in plain(app.screen.query_one("#form-title"))
        await pilot.press("ctrl+s")  # confirmed
        await pilot.pause()
    assert nps.id not in {r.id for r in store(db).nps.all()}
    trail = [(e.op, e.by) for e in store(db).history(lumen.id) if e.record_id == nps.id]
    assert trail[-2:] == [("update", "tester"), ("delete", "tester")]


async def test_a_client_entered_by_mistake_is_deleted_with_its_records(db):
    from tracker.ownership import counted, records_of

    pine = client(db, "Pinecrest Realty")
    n = len(records_of(store(db).load_agency(), pine.id))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id)
        await pilot.pause()
        await pilot.press("X")
        await pilot.pause()
        intro = plain(app.screen.query_one("#form-intro"))
        assert f"it goes with {counted(records_of(store(db).load_agency(), pine.id))}" \
            in intro  # the confirmation says how many records go, of which kind
        app.screen.query_one("#field-what").value = "delete"
        app.screen.query_one("#field-name").value = "Pinecrest"  # not its name
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # refused: type the whole name
        app.screen.query_one("#field-name").value = "pinecrest realty"
        await pilot.press("ctrl+s")
        await pilot.pause()
    left = store(db).load_agency()
    assert pine.id not in {c.id for c in left.clients} and records_of(left, pine.id) == []
    assert n > 50


async def test_the_team_screen_shows_a_persons_clients_whole(db):
    from screens.team import TeamScreen

    agency = store(db).load_agency()
    busiest = max(agency.members, key=lambda m: sum(a.member_id == m.id
                                                    for a in agency.assignments))
    live = {c.id: c.name for c in agency.clients if c.status is ClientStatus.ACTIVE}
    names = [live[a.client_id] for a in agency.assignments
             if a.member_id == busiest.id and a.client_id in live]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        await select(pilot, busiest.id)
        detail = plain(app.screen.query_one("#team-detail"))
    assert len(", ".join(names)) > 40  # more than the table's column shows
    assert detail.startswith(f"{busiest.name} covers {len(names)} active clients")
    assert all(n in detail for n in names)


async def test_filtering_clients_by_a_health_word_finds_those_clients(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "slash")
        await type_text(pilot, "risk")
        await pilot.pause()
        t = table(app, "#clients-table")
        keys = {t.coordinate_to_cell_key((r, 0)).row_key.value for r in range(t.row_count)}
        risky = {a.client.id for a in app.snapshot.assessments
                 if a.health.band.word == "risk"}
    assert risky and keys == risky


@pytest.mark.parametrize("tab", ["2", "3", "4", "6"])
async def test_a_tab_shown_the_first_time_takes_the_keys(db, tab):
    """Opened from the Review (o), then a tab by its number: its table has the keys (Enter
    on a Timeline entry opened nothing: the keys went nowhere)."""
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(tab)
        await pilot.pause()
        assert isinstance(app.focused, KeyTable) and app.focused.id.startswith(
            {"2": "scope", "3": "requests", "4": "timeline", "6": "signs"}[tab])
        if tab == "4":
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert plain(app.screen.query_one("#form-title")).startswith("Correct: ")


HOSTILE = "Agenda\x1b[2J\x1b[31mRED\x1b]0;PWNED\x07\x9b6n\u202e"


async def test_a_form_shows_stored_text_never_sends_it_to_the_terminal(db):
    """Correcting an entry whose note and attendees hold escape sequences: the form's
    fields show them as text (an ESC in a note once cleared the screen and set the title)."""
    import re

    from textual.widgets import Input, TextArea

    pine = client(db, "Pinecrest Realty")
    ws = Workspace(db, user="tester", clock=lambda: TODAY)
    call = ws.log(pine, InteractionKind.STATUS_CALL, TODAY, HOSTILE, ["Ann"], [HOSTILE])
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(pine.id, "timeline")
        await pilot.pause()
        await select(pilot, call.id, "#timeline-table")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        shown = [w.value for w in app.screen.query(Input)]
        shown += [w.text for w in app.screen.query(TextArea)]
        assert any("PWNED" in s for s in shown)  # the text is there, made safe
        unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
        assert [s for s in shown if unsafe.search(s)] == []


async def test_team_names_and_logins_tell_people_apart_and_a_person_can_be_removed(db):
    from screens.team import TeamScreen

    agency = store(db).load_agency()
    priya = next(m for m in agency.members if m.name == "Priya Shah")
    covered = [a for a in agency.assignments if a.member_id == priya.id]
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t", "n")
        await pilot.pause()
        for name, login, field, said in (
                ("priya  shah", "", "name", "'Priya Shah' is already on the team"),
                ("Pia Sha", priya.login, "login", f"already has the login {priya.login!r}"),
                ("Pia Sha", "Pia Sha!", "login", "is not a Unix login")):
            app.screen.query_one("#field-name").value = name
            app.screen.query_one("#field-login").value = login
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, FormScreen)
            assert said in plain(app.screen.query_one(f"#msg-{field}")), (name, login)
        app.screen.query_one("#field-login").value = "pia"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        await select(pilot, priya.id)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#field-remove").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        intro = plain(app.screen.query_one("#form-intro"))
        assert intro.startswith(f"They cover {len(covered)} clients: ")
        await pilot.press("ctrl+s")
        await pilot.pause()
    left = store(db).load_agency()
    assert priya.id not in {m.id for m in left.members}
    assert not [a for a in left.assignments if a.member_id == priya.id]
    assert any(m.name == "Pia Sha" and m.login == "pia" for m in left.members)


async def test_assigning_says_when_it_goes_over_capacity(db):
    from screens.team import TeamScreen

    agency = store(db).load_agency()
    live = {c.id for c in agency.clients if c.status is ClientStatus.ACTIVE}
    full = next(m for m in agency.members if m.capacity is not None and sum(
        a.member_id == m.id and a.client_id in live for a in agency.assignments) == m.capacity)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen)
        await select(pilot, full.id)
        await pilot.press("a")
        await pilot.pause()
        preview = plain(app.screen.query_one("#form-preview"))
    assert preview == (f"{full.name} would cover {full.capacity + 1} of {full.capacity} active "
                       "clients: over capacity, a warning sign")


async def test_the_screen_keys_show_that_screens_list_from_anywhere(db):
    from screens.clients import ClientsScreen
    from screens.review import ReviewScreen

    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "enter")  # a client, opened from the list
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("c")  # the footer says "c Clients": the list, not nothing
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)
        await pilot.press("enter", "r", "o")  # a client again; Review; a client from there
        await pilot.pause()
        assert isinstance(app.screen, ClientScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ClientsScreen)  # the list, not the client left there
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


async def test_currency_and_email_are_checked_as_typed_under_their_own_field(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await type_text(pilot, "Nova Labs")
        for typed, said in (("dollars", "not a currency code: 'DOLLARS'"),
                            ("XYZ", "XYZ is not a currency (an ISO 4217 code like USD")):
            app.screen.query_one("#field-currency").value = typed
            await pilot.pause()
            assert said in plain(app.screen.query_one("#msg-currency")), typed
        app.screen.query_one("#field-currency").value = "THB"
        app.screen.query_one("#field-contact").value = "Nok"
        app.screen.query_one("#field-email").value = "nok@"
        await pilot.pause()
        assert "'nok@' is not an email address" in plain(app.screen.query_one("#msg-email"))
        app.screen.query_one("#field-email").value = "nok@nova.co.th"
        await pilot.press("ctrl+s")
        await pilot.pause()
    nova = client(db, "Nova Labs")
    assert (nova.currency, nova.primary_contact.email) == ("THB", "nok@nova.co.th")


async def test_the_first_main_contact_is_set_and_said_so(db):
    from tracker.models import Client

    Workspace(db, user="t", clock=lambda: TODAY).act.save(
        Client(id="cli_fresh", name="Fresh Co", start_date=TODAY))
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.open_client("cli_fresh", "timeline")
        await pilot.pause()
        await pilot.press("C")
        await pilot.pause()
        assert "not a warning sign" in plain(app.screen.query_one("#form-intro"))
        app.screen.query_one("#field-name").value = "Zoe Park"
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
    assert "Main contact set (the first: not a warning sign)." in said
    assert all(c.client_id != "cli_fresh" for c in store(db).contact_changes.all())
    assert store(db).clients.get("cli_fresh").primary_contact.name == "Zoe Park"


async def test_while_the_agency_is_still_being_read_keys_answer_and_adding_waits(db):
    """The first read after the first frame takes seconds on a large agency (on a database
    without this person's copy, the day's first review is worked out): meanwhile the app
    answers every key at once -- adding a client or a person says to wait (it would stop
    the screen until the read is done), ctrl+r reads in the background too."""
    import threading

    from screens.app import ScopekeeperApp
    from storage.snapshot import Snapshot

    release = threading.Event()

    def opening() -> Workspace:  # the first read: held until the test lets it go
        assert release.wait(60)
        return Workspace(db, user="tester", clock=lambda: TODAY, lazy=True)

    app = ScopekeeperApp(opening, snapshot=Snapshot.awaiting(TODAY))
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert plain(app.screen.query_one("#review-counts")).startswith(
                "Working out today's review")
            await pilot.pause(0.3)  # the first read has begun (and waits)
            for keys in (("c", "n"), ("t", "n")):
                await pilot.press(*keys)
                assert not isinstance(app.screen, FormScreen)
            said = [str(n.message) for n in app._notifications]
            assert said.count("The agency is still being read: add them in a moment, once "
                              "the lists are shown.") == 2
            await pilot.press("ctrl+r", "c")
            release.set()
            for _ in range(100):  # a hang guard, not a speed limit
                await pilot.pause(0.1)
                if not app.snapshot.partial:
                    break
            assert not app.snapshot.partial
            await pilot.press("n")
            assert isinstance(app.screen, FormScreen)
    finally:
        release.set()
