"""The kept review: used only while nothing changed; any save makes it stale."""

from __future__ import annotations

from dataclasses import replace

from storage.review_cache import cache_path
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file
from tracker.models import InteractionKind
from tracker.settings import Thresholds


def test_cache_serves_the_same_review_until_someone_saves(tmp_path):
    db = demo_file(tmp_path / "a.json")
    ws = Workspace(db, user="t", clock=lambda: TODAY, lazy=True)
    assert ws.cached_snapshot() is None  # nothing computed yet
    full = ws.snapshot()
    assert cache_path(db).exists()
    again = Workspace(db, user="t", clock=lambda: TODAY, lazy=True)
    cached = again.cached_snapshot()
    assert cached is not None and cached.partial and cached.review == full.review
    assert cached.has_clients and again.store.db._loaded is False  # no record was read
    # a save by anyone, another day, or other thresholds: not used
    other = Workspace(db, user="o", clock=lambda: TODAY)
    other.log(other.find_client("Lumen"), InteractionKind.EMAIL, TODAY)
    assert again.cached_snapshot() is None
    ws2 = Workspace(db, user="t", clock=lambda: TODAY)
    ws2.snapshot()
    assert ws2.cached_snapshot() is not None
    assert ws2.cached_snapshot(TODAY.replace(day=24)) is None
    ws3 = Workspace(db, user="t", clock=lambda: TODAY, thresholds=replace(
        Thresholds(), favour_threshold=9), lazy=True)
    assert ws3.cached_snapshot() is None


def test_a_damaged_cache_is_ignored(tmp_path):
    db = demo_file(tmp_path / "a.json")
    ws = Workspace(db, user="t", clock=lambda: TODAY)
    ws.snapshot()
    cache_path(db).write_text("{broken", encoding="utf-8")
    assert Workspace(db, user="t", clock=lambda: TODAY, lazy=True).cached_snapshot() is None


def test_tomorrows_review_kept_ahead_is_used_the_next_morning(tmp_path):
    from datetime import timedelta

    from tracker.review import build_review

    db = demo_file(tmp_path / "a.json")
    Workspace(db, user="app", clock=lambda: TODAY).snapshot(ahead=True)  # what the app does
    tomorrow = TODAY + timedelta(days=1)
    morning = Workspace(db, user="cron", clock=lambda: tomorrow, lazy=True)
    kept = morning.cached_snapshot()
    assert kept is not None and morning.store.db._loaded is False  # no record read
    assert kept.review == build_review(morning.store.load_agency(), tomorrow)
    plain = Workspace(db, user="cli", clock=lambda: TODAY)
    plain.snapshot()  # the command line keeps only today's
    assert Workspace(db, user="c", clock=lambda: tomorrow, lazy=True).cached_snapshot() is None
