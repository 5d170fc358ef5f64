"""The app's forms read amounts in the client's currency and dates as what they are the
date of; the Clients screen's health and NPS words agree with the numbers. 80x24, Pilot."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from screens.forms import FormScreen
from storage.repositories import Store
from storage.workspace import Workspace
from tests.factories import TODAY, make_client, make_nps
from tests.ui.helpers import demo_file, make_app, plain
from tracker.models import Agency

SIZE = (80, 24)


@pytest.fixture
def db(tmp_path) -> Path:
    return demo_file(tmp_path / "agency.json")


def named(db: Path, name: str):
    return next(c for c in Store(db).clients.all() if c.name == name)


def message(app, field: str) -> str:
    return plain(app.screen.query_one(f"#msg-{field}"))


async def fill(pilot, **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}").value = value
    await pilot.pause()


@pytest.mark.parametrize("key", ["L", "N", "B", "A", "C", "T"])
async def test_nothing_that_happened_is_saved_with_a_future_date(db, key):
    atlas = named(db, "Atlas Freight")
    before = Store(db).load_agency()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(atlas.id, "timeline")
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await fill(pilot, on="+2w")
        assert "'+2w' is Mon 07 Dec 2026, in the future" in message(app, "on")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # still open: nothing was saved
        await fill(pilot, on="9999-12-31")
        assert "out of range: dates run from 2000-01-01 to 2099-12-31" in message(app, "on")
        await fill(pilot, on="Dec 1")
        assert "= Mon 01 Dec 2025" in message(app, "on")
    assert Store(db).load_agency() == before


async def test_a_due_date_without_a_year_is_the_next_one(db):
    lumen = named(db, "Lumen Solar")
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(lumen.id, "scope")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, title="Summer campaign", due="Jun 30")
        assert "= Wed 30 Jun 2027" in message(app, "due")
        await pilot.press("ctrl+s")
        await pilot.pause()
    (item,) = [i for i in Store(db).scope_items.all() if i.title == "Summer campaign"]
    assert item.due == date(2027, 6, 30)


async def test_a_new_client_in_baht_or_yuan_keeps_its_fee_in_its_currency(db):
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await fill(pilot, name="Lotus Clinic", fee="฿12,500")
        assert "is not in USD" in message(app, "fee")  # the currency still says USD
        await fill(pilot, currency="THB")
        assert message(app, "fee") == "= ฿12,500"  # read again in the new currency
        await fill(pilot, currency="T")
        assert "give the currency first" in message(app, "fee")
        await fill(pilot, currency="thb")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, name="Jade Tea", currency="CNY", fee="¥8,000")
        assert message(app, "fee") == "= CN¥8,000"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert (named(db, "Lotus Clinic").fee_cents, named(db, "Lotus Clinic").currency) == \
        (1_250_000, "THB")
    assert (named(db, "Jade Tea").fee_cents, named(db, "Jade Tea").currency) == (800_000, "CNY")


@pytest.mark.parametrize(
    ("typed", "says"),
    [("Nov 2", "not an amount: 'Nov 2' (USD, e.g. 1,200.50 or $1,200.50)"),
     ("EUR 5", "'EUR 5' is not in USD"), ("2 3", "not an amount: '2 3'"),
     ("12345678901234567890", "is too large")],
    ids=["date", "other-currency", "two-numbers", "twenty-digits"],
)
async def test_an_amount_that_is_not_the_clients_money_is_refused(db, typed, says):
    before = Store(db).load_agency()
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "n")
        await pilot.pause()
        await fill(pilot, name="Acme Rockets", fee=typed)
        assert says in message(app, "fee")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
    assert Store(db).load_agency() == before


async def test_budget_and_request_fees_are_in_the_clients_currency(tmp_path):
    db = tmp_path / "agency.json"
    siam = make_client(name="Siam Spa", currency="THB", fee_cents=2_500_000)
    Store(db).replace_all(Agency(clients=(siam,)))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        app.open_client(siam.id, "timeline")
        await pilot.pause()
        await pilot.press("B")
        await pilot.pause()
        await fill(pilot, old="THB 15,000", new="฿12,500")
        assert message(app, "new") == "= ฿12,500"
        assert plain(app.screen.query_one("#form-preview")) == "change: -฿2,500"
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.open_client(siam.id, "requests")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, description="Extra landing page", fee="$300")
        assert "'$300' is not in THB" in message(app, "fee")
        await fill(pilot, fee="9,000 บาท")
        await pilot.press("ctrl+s")
        await pilot.pause()
    store = Store(db)
    (budget,) = store.budget_changes.all()
    assert (budget.old_cents, budget.new_cents) == (1_500_000, 1_250_000)
    (cr,) = store.change_requests.all()
    assert cr.fee_cents == 900_000


async def test_health_words_numbers_and_sort_agree_and_7_is_not_low(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    copper = named(db, "Copperline Coffee")
    ws = Workspace(db, user="tester", clock=lambda: TODAY)
    ws.act.save(replace(make_nps(copper, 7, days_ago=0), id="nps_passive"))
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "s")  # sorted by health
        await pilot.pause()
        t = app.screen.query_one("#clients-table")
        rows = [t.get_row_at(r) for r in range(t.row_count)]
        active = [r for r in rows if "(" not in r[0].plain]
        badges = [r[1].plain.split() for r in active]
        ranks = [{"risk": 0, "watch": 1, "ok": 2}[word] for word, _ in badges]
        assert ranks == sorted(ranks)  # every risk above every watch above every ok
        assert [int(n) for _, n in badges] == sorted(int(n) for _, n in badges)
        for word, n in badges:
            assert word == ("risk" if int(n) < 50 else "watch" if int(n) < 75 else "ok")
        keys = [t.coordinate_to_cell_key((r, 0)).row_key.value for r in range(t.row_count)]
        t.move_cursor(row=keys.index(copper.id))
        await pilot.pause()
        trend = plain(app.screen.query_one("#clients-trend-label"))
        assert "→ 7 (passive)" in trend
        copper_row = rows[keys.index(copper.id)]
        assert "low NPS" not in copper_row[4].plain


async def test_a_ticked_box_is_told_from_an_empty_one_without_colour(tmp_path):
    """With NO_COLOR (or 16 colours) Textual's checkbox shows the same X either way: ours
    shows X only when ticked, so the state reads without colour."""
    from screens.fields import Field
    from screens.forms import TickBox

    def shown(box: TickBox) -> str:
        return box.render().plain[:3]  # the box, before its label

    app = make_app(demo_file(tmp_path / "agency.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(FormScreen("Ticks", [Field("on", "On", "bool", "1"),
                                             Field("off", "Off", "bool", "")], TODAY))
        await pilot.pause()
        on, off = app.screen.query(TickBox)
        assert (shown(on), shown(off)) == ("▐X▌", "▐ ▌")
        off.focus()
        await pilot.press("space")
        assert on.value and off.value and shown(off) == "▐X▌"
