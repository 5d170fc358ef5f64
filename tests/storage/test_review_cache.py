"""The kept review: used only while nothing changed; any save makes it stale."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from storage.repositories import Store
from storage.review_cache import cache_path
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file
from tracker.models import InteractionKind
from tracker.settings import Thresholds


def keep_review(db):
    """What a session does after reading: keep the review and the digest."""
    ws = Workspace(db, user="app", clock=lambda: TODAY)
    ws.keep(ws.snapshot())


def test_cache_serves_the_same_review_until_someone_saves(tmp_path):
    db = demo_file(tmp_path / "a.json")
    ws = Workspace(db, user="t", clock=lambda: TODAY, lazy=True)
    assert ws.cached_snapshot() is None  # nothing computed yet
    full = ws.snapshot()
    assert not cache_path(db).exists()  # a read writes nothing
    ws.keep(full)  # what the app and the command line do after reading
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
    ws2.keep(ws2.snapshot())
    assert ws2.cached_snapshot() is not None
    assert ws2.cached_snapshot(TODAY.replace(day=24)) is None
    ws3 = Workspace(db, user="t", clock=lambda: TODAY, thresholds=replace(
        Thresholds(), favour_threshold=9), lazy=True)
    assert ws3.cached_snapshot() is None


def test_a_damaged_cache_is_ignored(tmp_path):
    db = demo_file(tmp_path / "a.json")
    ws = Workspace(db, user="t", clock=lambda: TODAY)
    ws.keep(ws.snapshot())
    cache_path(db).write_text("{broken", encoding="utf-8")
    assert Workspace(db, user="t", clock=lambda: TODAY, lazy=True).cached_snapshot() is None


def test_tomorrows_review_kept_ahead_is_used_the_next_morning(tmp_path):
    from datetime import timedelta

    from tracker.review import build_review

    db = demo_file(tmp_path / "a.json")
    app = Workspace(db, user="app", clock=lambda: TODAY)
    app.keep(app.snapshot(), ahead=True)  # what the app does
    tomorrow = TODAY + timedelta(days=1)
    morning = Workspace(db, user="cron", clock=lambda: tomorrow, lazy=True)
    kept = morning.cached_snapshot()
    assert kept is not None and morning.store.db._loaded is False  # no record read
    assert kept.review == build_review(morning.store.load_agency(), tomorrow)
    plain = Workspace(db, user="cli", clock=lambda: TODAY)
    plain.keep(plain.snapshot())  # the command line keeps only today's
    assert Workspace(db, user="c", clock=lambda: tomorrow, lazy=True).cached_snapshot() is None


def test_a_cold_review_reads_the_digest_and_the_journal_and_gives_the_same_answer(tmp_path):
    from storage.review_digest import digest_path

    db = demo_file(tmp_path / "a.json")
    Workspace(db, user="admin", clock=lambda: TODAY).store.compact()  # a backup exists: the
    # next save goes to the journal (a first save with no backup compacts, as it should)
    keep_review(db)  # writes the digest
    assert digest_path(db).exists()
    other = Workspace(db, user="o", clock=lambda: TODAY)
    other.log(other.find_client("Lumen"), InteractionKind.STATUS_CALL, TODAY)  # journal
    cold = Workspace(db, user="cli", clock=lambda: TODAY, lazy=True)
    got = cold.review_snapshot()
    assert cold.store.db._loaded is False  # the records were not read
    full = Workspace(db, user="x", clock=lambda: TODAY).snapshot(TODAY)
    assert got.review == full.review
    assert not any(i.client == "Lumen Solar" and i.kind == "status_call_overdue"
                   for i in got.review)  # the journal's call counted


def test_the_digest_is_not_used_after_the_file_was_replaced_or_for_an_earlier_day(tmp_path):
    from storage.review_digest import digest_path

    db = demo_file(tmp_path / "a.json")
    keep_review(db)
    w = Workspace(db, user="o", clock=lambda: TODAY)
    Store(db).compact()  # a new data file, by an engine that keeps no digest (no clock):
    # the digest describes the old one
    cold = Workspace(db, user="cli", clock=lambda: TODAY, lazy=True)
    assert cold.review_snapshot().review == w.snapshot().review
    assert cold.store.db._loaded is True  # read everything instead
    early = Workspace(db, user="cli", clock=lambda: TODAY.replace(day=1), lazy=True)
    early.review_snapshot()
    assert early.store.db._loaded is True
    digest_path(db).write_bytes(b"\x00garbage")
    damaged = Workspace(db, user="cli", clock=lambda: TODAY, lazy=True)
    (tmp_path / "a.json.review").unlink(missing_ok=True)
    assert damaged.review_snapshot().review == w.snapshot().review


def test_a_save_that_compacts_renews_the_digest(tmp_path):
    from storage.engine.settings import Settings
    from storage.review_digest import digest_path

    db = demo_file(tmp_path / "a.json")
    w = Workspace(db, user="o", clock=lambda: TODAY, settings=Settings(compact_entries=2))
    w.store.compact()
    w.keep(w.snapshot())
    before = digest_path(db).read_bytes()
    lumen = w.find_client("Lumen")
    w.log(lumen, InteractionKind.EMAIL, TODAY)
    w.log(lumen, InteractionKind.EMAIL, TODAY)  # the second change set compacts
    assert digest_path(db).read_bytes() != before
    cold = Workspace(db, user="cli", clock=lambda: TODAY, lazy=True)
    assert cold.review_snapshot().review == w.snapshot().review
    assert cold.store.db._loaded is False


def test_compact_restore_and_demo_leave_a_digest_for_the_next_cold_review(tmp_path):
    from tests.cli.test_commands import sk

    today = TODAY  # the command's day (sealed) built the digest
    db = tmp_path / "a.json"
    for args in (("demo",), ("compact",), ("restore", "latest")):
        sk(*args, db=db, check=True)
        (tmp_path / "a.json.review").unlink(missing_ok=True)
        cold = Workspace(db, user="cli", clock=lambda: today, lazy=True)
        assert cold.review_snapshot().review == Workspace(
            db, user="x", clock=lambda: today).snapshot().review
        assert cold.store.db._loaded is False, args


def test_the_kept_review_names_each_kind_as_the_file_format_says(tmp_path):
    db = demo_file(tmp_path / "a.json")
    ws = Workspace(db, user="t", clock=lambda: TODAY)
    full = ws.snapshot()
    ws.keep(full)
    doc = orjson.loads(cache_path(db).read_bytes())
    kept = [i["kind"] for i in doc["days"][TODAY.isoformat()]]
    assert kept == [str(i.kind) for i in full.review]
    # <cadence>_<due|overdue>, the sign codes, change_request, call_summary: as ever
    assert {"status_call_overdue", "monthly_report_overdue", "contact_overdue",
            "visit_overdue", "low_nps", "budget_cut", "change_request",
            "call_summary"} <= set(kept)
    # a kind this version does not know (a newer one wrote it): computed afresh, no error
    doc["days"][TODAY.isoformat()][0]["kind"] = "some_newer_kind"
    cache_path(db).write_bytes(orjson.dumps(doc))
    assert Workspace(db, user="t", clock=lambda: TODAY, lazy=True).cached_snapshot() is None


def test_reading_writes_nothing_beside_the_data_file(tmp_path):
    # a read is a read (issue 15): the snapshot, the review and the kept review leave every
    # file as it was; only keep(), named as the one write a reader makes, writes
    db = demo_file(tmp_path / "a.json")
    Workspace(db, user="admin", clock=lambda: TODAY).store.compact()  # a fresh base, no kept files
    for kept in (cache_path(db), db.with_name(db.name + ".digest")):
        kept.unlink(missing_ok=True)
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    ws = Workspace(db, user="t", clock=lambda: TODAY)
    full = ws.snapshot()
    cold = Workspace(db, user="t", clock=lambda: TODAY, lazy=True).review_snapshot()
    assert Workspace(db, user="t", clock=lambda: TODAY, lazy=True).cached_snapshot() is None
    assert cold.review == full.review
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in tmp_path.iterdir()}
    assert after == before
    ws.keep(full)
    assert cache_path(db).exists() and db.with_name(db.name + ".digest").exists()


def test_a_databases_copy_is_named_by_what_libpq_would_connect_to(tmp_path):
    """Two databases never share a person's copy of the review: the same URL completed by
    another PGHOST (or service, user...) is another database, so another file."""
    from storage.paths import Places, review_copy

    def copy(**env: str):
        return review_copy(Places(home=tmp_path, env={"XDG_CACHE_HOME": str(tmp_path / "c"),
                                                      **env}), "postgresql:///agency")

    assert copy() == copy()
    assert copy(PGHOST="/run/a") != copy(PGHOST="/run/b") != copy()
    assert copy(PGSERVICE="x") != copy()
    assert copy().parent == tmp_path / "c" / "scopekeeper" / "reviews"
    # the password is not part of the name: the same database, whatever it is given
    assert review_copy(Places(home=tmp_path, env={}), "postgresql://ann:one@h/agency") == \
        review_copy(Places(home=tmp_path, env={}), "postgresql://ann:two@h/agency")


def test_a_failed_read_leaves_the_change_to_be_seen(tmp_path, monkeypatch):
    """If reading a newer snapshot fails, the session still knows someone saved: the next
    look reads again, rather than showing the old data as current for good."""
    from storage.errors import StorageError

    db = demo_file(tmp_path / "a.json")
    ws = Workspace(db, user="t", clock=lambda: TODAY)
    ws.snapshot()
    assert not ws.changed()
    other = Workspace(db, user="ann", clock=lambda: TODAY)
    other.log(other.find_client("Pinecrest Realty"), InteractionKind.EMAIL, TODAY)
    assert ws.changed()

    def unreadable(day):
        raise StorageError("the database is not answering")

    monkeypatch.setattr(ws.store, "overview", unreadable)
    with pytest.raises(StorageError):
        ws.snapshot()
    assert ws.changed()  # still to be read
    monkeypatch.undo()
    ws.snapshot()
    assert not ws.changed()


def test_a_fifo_or_a_huge_file_in_place_of_a_kept_review_is_not_read(tmp_path, monkeypatch):
    """The kept review is read only from a regular file of bounded size: a FIFO put at the
    copy's path must not hang the app's start, nor a huge file fill its memory."""
    import os

    from storage import review_cache
    from storage.review_cache import peek_copy
    from tracker.settings import DEFAULT_THRESHOLDS

    fifo = tmp_path / "review.json"
    os.mkfifo(fifo)
    assert peek_copy(fifo, TODAY, DEFAULT_THRESHOLDS) is None
    copy = tmp_path / "copy.json"
    ws = Workspace(demo_file(tmp_path / "a.json"), user="t", clock=lambda: TODAY,
                   review_copy=copy)
    ws.keep(ws.snapshot())
    assert peek_copy(copy, TODAY, DEFAULT_THRESHOLDS) is not None
    monkeypatch.setattr(review_cache, "MAX_KEPT", copy.stat().st_size - 1)
    assert peek_copy(copy, TODAY, DEFAULT_THRESHOLDS) is None
