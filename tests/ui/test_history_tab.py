"""The client's History tab says what changed in words: a contact change as its fields,
old -> new; the demo agency loaded as one entry saying so."""

from __future__ import annotations

from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import make_app


async def test_the_history_tab_shows_a_contact_change_and_the_demo_in_words(tmp_path):
    db = tmp_path / "agency.json"
    ws = Workspace(db, user="tester", clock=lambda: TODAY)
    ws.load_demo()
    ws.act.contact_change(ws.find_client("Lumen"), "Dana Reyes", "CMO")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_client(ws.find_client("Lumen").id, "history")
        table = None
        for _ in range(100):  # the trail is read in a worker
            await pilot.pause(0.02)
            table = app.screen.query_one("#history-table")
            if table.row_count >= 3:
                break
        assert table is not None
        rows = [[str(getattr(c, "plain", c)) for c in table.get_row_at(n)]
                for n in range(table.row_count)]
    what = [(r[2], r[3]) for r in rows]  # newest first
    assert what[1] == ("changed client", "main contact: name: Jonas Berg -> Dana Reyes; "
                       "title: Marketing Director -> CMO; email: jonas@example.com -> (none); "
                       "other contacts: added Jonas Berg (Marketing Director, "
                       "jonas@example.com)")
    assert what[-1] == ("loaded the demo agency", "3688 records, every client's")
