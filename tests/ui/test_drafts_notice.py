"""The "Unsaved drafts" notice tells the person to open the form again; once a form is open
it must not sit over it (a toast is drawn on top of every screen, for 20 seconds)."""

from __future__ import annotations

from datetime import UTC, datetime

from screens.forms import FormScreen
from storage import drafts
from tests.ui.helpers import demo_file, make_app

NOTICE = "Kept when your connection dropped"


def toasts(app) -> list[str]:
    """The toasts on the screen in front, as they read."""
    return [str(t.render()) for t in app.screen.query("Toast")]


async def test_opening_a_form_takes_the_drafts_notice_off_it(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    folder = tmp_path / "drafts"
    drafts.save(folder, str(db), "New client", {"name": "Half-typed Bakery"},
                datetime(2026, 11, 22, 18, 5, tzinfo=UTC))
    app = make_app(db)
    app.drafts, app.data_file = folder, str(db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for _ in range(50):  # said once the first frame is out
            await pilot.pause(0.02)
            if any(NOTICE in t for t in toasts(app)):
                break
        assert any(NOTICE in t for t in toasts(app)), toasts(app)
        await pilot.press("c", "n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.pause()
        assert not any(NOTICE in t for t in toasts(app)), toasts(app)  # (the form says
        # briefly what it restored: that is about this form)
        await pilot.press("escape")  # nothing typed: the form closes
        await pilot.pause()
        assert not any(NOTICE in t for t in toasts(app))  # and the notice stays gone
