"""The list every screen uses (``screens/tables.py``): a long list is filled in two steps
-- what the first frame shows, then the rest right after it -- and whatever happens in
between, the list ends up exactly as last given, with the cursor on the same record."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from screens.tables import AT_ONCE, LONG, REST_AFTER, KeyTable

COLUMNS = [("Client", "client", 20), ("Why", "why", 0)]


def rows(n: int, tag: str = "") -> list[tuple[str, object]]:
    """Rows as the screens give them: the first as cells, the later ones made on demand."""
    def cells(i: int) -> list[Text]:
        return [Text(f"Client {i}{tag}"), Text(f"reason {i}")]

    return [(f"k{i}", cells(i) if i % 2 else (lambda i=i: cells(i))) for i in range(n)]


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield KeyTable()


def shown(t: KeyTable) -> list[str]:
    return [str(t.get_row_at(r)[0]) for r in range(t.row_count)]


async def filled(pilot, t: KeyTable, n: int) -> None:
    """Until the table holds ``n`` rows (its rest comes a moment after the frame)."""
    for _ in range(600):  # a hang guard, not a speed limit
        if t.row_count == n and not t._pending:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{t.row_count} rows, not {n}")


async def test_a_long_list_is_whole_after_the_first_frame_with_the_cursor_kept():
    """Over LONG rows: the first frame's share first, the rest a moment later."""
    n = LONG + 100
    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        t = app.query_one(KeyTable)
        t.sync(COLUMNS, 80, rows(n))
        assert t.row_count == AT_ONCE  # the first frame's share
        await filled(pilot, t, n)
        assert shown(t) == [f"Client {i}" for i in range(n)]
        far = f"k{n - 5}"
        t.move_cursor(row=n - 5)
        t.sync(COLUMNS, 80, list(reversed(rows(n))))  # reordered: at once this time
        assert t.row_count == n and t.selected_key() == far  # the same record, now row 4


async def test_a_list_given_again_before_its_first_rest_is_added_ends_as_last_given():
    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        t = app.query_one(KeyTable)
        t.sync(COLUMNS, 80, rows(LONG + 1))
        t.sync(COLUMNS, 80, rows(LONG + 1, " (renamed)"))  # same order, before the rest
        t.sync(COLUMNS, 80, rows(AT_ONCE + 7, " (shorter)"))
        await filled(pilot, t, AT_ONCE + 7)
        await pilot.pause(REST_AFTER * 3)  # when the first filling's rest was due
        assert shown(t) == [f"Client {i} (shorter)" for i in range(AT_ONCE + 7)]


async def test_keys_pressed_before_the_rest_is_added_reach_the_whole_list(monkeypatch):
    """G, page down or j pressed in the moment before the rest is added go where they would
    in the whole list; and the rest, added later, leaves the cursor where the keys put it."""
    import screens.tables

    monkeypatch.setattr(screens.tables, "REST_AFTER", 3600)  # the rest only when a key asks
    n = LONG + 50
    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        t = app.query_one(KeyTable)
        t.focus()
        t.sync(COLUMNS, 80, rows(n))
        await pilot.press("j", "j")
        assert t.cursor_row == 2  # the rest, added now, left the cursor where j put it
        assert t.row_count == n and not t._pending
        assert shown(t) == [f"Client {i}" for i in range(n)]
        t.sync(COLUMNS, 80, list(reversed(rows(n))))  # a refill: at once, nothing pending
        assert t.row_count == n
    for keys, row in ((("G",), n - 1), (("pagedown",) * 8, None)):
        app = One()
        async with app.run_test(size=(80, 24)) as pilot:
            t = app.query_one(KeyTable)
            t.focus()
            t.sync(COLUMNS, 80, rows(n))
            assert t.row_count == AT_ONCE
            await pilot.press(*keys)
            assert t.row_count == n
            assert t.cursor_row == row if row is not None else t.cursor_row > AT_ONCE
