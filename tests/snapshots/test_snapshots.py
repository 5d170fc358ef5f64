"""How each screen looks at 80x24 with the demo agency on a fixed day.

Update only after looking at the report: ``pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import demo_file, make_app

SIZE = (80, 24)


def test_review_screen(snap_compare, tmp_path):
    assert snap_compare(make_app(demo_file(tmp_path / "a.json")), terminal_size=SIZE)


def test_review_screen_after_moving_down(snap_compare, tmp_path):
    assert snap_compare(make_app(demo_file(tmp_path / "a.json")), press=["j", "j", "j"],
                        terminal_size=SIZE)


def test_clients_screen(snap_compare, tmp_path):
    assert snap_compare(make_app(demo_file(tmp_path / "a.json")), press=["c"],
                        terminal_size=SIZE)


def test_welcome_screen(snap_compare):
    # a fixed path that does not exist: nothing is written unless a choice is made
    assert snap_compare(make_app(Path("/nonexistent/scopekeeper.json")), terminal_size=SIZE)
