"""A narrow terminal (60 columns, e.g. a split pane over SSH): nothing a person needs is cut
off. The client's tab bar and the Review's counts wrap between labels, never inside one."""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget

from screens.review import COUNT_WORDS
from tests.ui.helpers import demo_file, make_app
from tracker.review_items import counts_by_category

NARROW = (60, 24)
TAB_LABELS = ["1 Overview", "2 Scope", "3 Requests", "4 Timeline", "5 Cadence", "6 Signs",
              "7 Health", "8 History"]


def shown(widget: Widget) -> list[str]:
    """The lines the widget puts on the screen, as wide as it is (what is cut off is gone)."""
    size = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, *size))]


async def test_at_60_columns_every_review_count_is_on_screen_whole(tmp_path):
    app = make_app(demo_file(tmp_path / "agency.json"))
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        lines = shown(app.screen.query_one("#review-counts"))
        parts = [f"{len(app.snapshot.review)} to review", *(
            f"{n} {word}" for key, word in COUNT_WORDS
            if (n := counts_by_category(app.snapshot.review)[key]))]
        assert len(parts) == 6  # the demo has something of every kind
        assert [p for p in parts if not any(p in line for line in lines)] == [], lines


async def test_at_60_columns_every_tab_of_a_client_is_on_screen(tmp_path):
    app = make_app(demo_file(tmp_path / "agency.json"))
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        for key in "18":  # the first tab and the last, each shown as the current one
            await pilot.press(key)
            await pilot.pause()
            lines = shown(app.screen.query_one("#client-tabbar"))
            assert all(len(line) <= NARROW[0] for line in lines)
            text = " ".join(lines)
            assert [label for label in TAB_LABELS if label not in text] == [], lines


async def test_at_80_columns_the_tabs_and_counts_stay_on_one_line(tmp_path):
    app = make_app(demo_file(tmp_path / "agency.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert len(shown(app.screen.query_one("#review-counts"))) == 1
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app.screen.query_one("#client-tabbar")) == [" " + " ".join(TAB_LABELS)]
