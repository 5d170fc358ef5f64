"""The client's Timeline: newest first, also within one day (the one logged last on top)."""

from __future__ import annotations

from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file, make_app
from tracker.models import InteractionKind

NOTES = ["first", "second", "third", "fourth", "fifth", "sixth"]


async def test_entries_of_one_day_are_newest_first(tmp_path):
    db = demo_file(tmp_path / "agency.json")
    ws = Workspace(db, user="tester", clock=lambda: TODAY)
    pine = ws.find_client("Pinecrest")
    for note in NOTES:  # random ids: in id order, six come out right once in 720
        ws.log(pine, InteractionKind.EMAIL, TODAY, note=f"{note} email today")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(pine.id, "timeline")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#timeline-table")
        rows = [[str(getattr(c, "plain", c)) for c in table.get_row_at(n)]
                for n in range(table.row_count)]
    today = [r[3] for r in rows if r[0] == f"{TODAY:%Y-%m-%d}"]
    assert today[:6] == [f"{n} email today" for n in reversed(NOTES)], rows[:8]
    days = [r[0] for r in rows]
    assert days == sorted(days, reverse=True)
