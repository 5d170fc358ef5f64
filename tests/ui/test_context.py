"""The seam between the screens and the app: each screen finds the app it runs in as its
Context, and the values a form gives are read by type, so that a flow built on the wrong
type fails loudly instead of saving it."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App

from screens.context import context_of
from screens.fields import Values
from tests.factories import TODAY
from tests.ui.helpers import demo_file, make_app


async def test_every_screen_shown_finds_the_app_it_runs_in(tmp_path):
    app = make_app(demo_file(tmp_path / "agency.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("c", "t", "r"):
            await pilot.press(key)
            await pilot.pause()
            assert context_of(app.screen.app) is app
            assert app.screen.context.snapshot is app.snapshot


def test_an_app_that_is_not_ours_has_no_context():
    # FormScreen relies on this to run in a test's own App (it keeps no draft there)
    with pytest.raises(LookupError, match="not a scopekeeper app"):
        context_of(App())


def test_form_values_are_read_by_their_type():
    v = Values(name="Wise Cafe", fee=120_000, on=TODAY, due=None, remote=True, hours=2,
               ours=("Ann", "Bo"))
    assert (v.text("name"), v.number("fee"), v.day("on"), v.maybe_day("due")) == (
        "Wise Cafe", 120_000, TODAY, None)
    assert v.ticked("remote") and not v.ticked("absent")
    assert v.hours("hours") == 2.0 and v.names("ours") == ("Ann", "Bo")
    assert v.names("theirs") == () and v.text("kind", "email") == "email"


@pytest.mark.parametrize(("read", "name"), [
    (Values.text, "fee"), (Values.number, "name"), (Values.day, "due"),
    (Values.number, "absent"), (Values.day, "name"),
], ids=lambda x: getattr(x, "__name__", x))
def test_a_value_read_as_another_type_is_refused(read, name):
    v = Values(name="Wise Cafe", fee=120_000, due=None, on=date(2026, 1, 5))
    with pytest.raises(TypeError, match=name):
        read(v, name)
