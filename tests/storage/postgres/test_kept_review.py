"""The review kept in the database (``storage/postgres/assessments.py``) is the review of
every record: after each of a random run of changes -- interactions logged and deleted,
clients renamed, paused, added and deleted, members' limits and names changed, members
and assignments added and removed, items snoozed, signs acknowledged -- ``review(day)``
on PostgreSQL equals ``build_review(load_agency(), day)`` exactly, for today and tomorrow
(both kept days, so each save recomputes both)."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import timedelta

import psycopg
import pytest

from storage.postgres import days
from storage.postgres.store import PgStore
from tests.factories import TODAY, agency_of, make_assignment, make_client, make_member
from tests.storage.contract.backends import shown as _shown
from tracker.demo import make_demo
from tracker.models import (
    Assignment,
    Client,
    ClientStatus,
    Interaction,
    InteractionKind,
    Role,
    SignState,
    Snooze,
    TeamMember,
)
from tracker.record_types import Record
from tracker.review import assess, build_review
from tracker.review_items import ReviewKind
from tracker.settings import DEFAULT_THRESHOLDS

DAYS = (TODAY, TODAY + timedelta(days=1))


def _change(store: PgStore, rng: random.Random, n: int) -> None:
    """One random change, as the app would save it."""
    agency = store.load_agency()
    clients, members = agency.clients, agency.members
    client = rng.choice(clients)
    puts: list[Record] = []
    deletes: list[Record] = []
    step = rng.randrange(12)
    if step <= 2:
        puts.append(Interaction(id=f"int_p{n}", client_id=client.id,
                                kind=rng.choice(list(InteractionKind)),
                                on=TODAY - timedelta(days=rng.randrange(0, 90))))
    elif step == 3 and agency.interactions:
        deletes.append(rng.choice(agency.interactions))
    elif step == 4:
        status = rng.choice([s for s in ClientStatus if s is not client.status])
        puts.append(replace(client, status=status))
    elif step == 5:
        puts.append(replace(client, name=f"Renamed {n}"))
    elif step == 6 and members:
        m = rng.choice(members)
        puts.append(replace(m, max_clients=rng.choice([None, 1, 2, 3, 5]),
                            name=f"{m.name} {n}"))
    elif step == 7 and members:
        puts.append(Assignment(id=f"asg_p{n}", client_id=client.id,
                               member_id=rng.choice(members).id,
                               since=TODAY - timedelta(days=rng.randrange(0, 400))))
    elif step == 8 and agency.assignments:
        deletes.append(rng.choice(agency.assignments))
    elif step == 9:
        if rng.random() < 0.5 and members:
            deletes.append(rng.choice(members))
        else:
            puts.append(TeamMember(id=f"mem_p{n}", name=f"New {n}", role=rng.choice(list(Role)), max_clients=1))
    elif step == 10:
        items = build_review(agency, TODAY)
        if items:
            item = rng.choice(items)
            if rng.random() < 0.5 or not item.subject:
                puts.append(Snooze(id=f"snz_p{n}", item_key=item.key,
                                   until=TODAY + timedelta(days=rng.choice([1, 2]))))
            else:
                puts.append(SignState(id=f"sgn_p{n}", client_id=item.client_id,
                                      sign_key=item.key, acknowledged_on=TODAY))
    else:
        if rng.random() < 0.5:
            puts.append(replace(client, id=f"cli_p{n}", name=f"New client {n}", rev=0))
        else:
            deletes.append(client)
    store.save(puts, deletes)


def _agrees(store: PgStore) -> None:
    agency = store.load_agency()
    for day in DAYS:
        kept = store.review(day)
        found = assess(agency, day)
        assert kept.review == build_review(agency, day, DEFAULT_THRESHOLDS, found), day
        assert kept.clients == len(agency.clients)
        # the kept assessment of every client, as the client list shows it
        seen = store.overview(day)
        assert seen.summary and seen.review == kept.review
        assert [_shown(a) for a in seen.assessments] == [_shown(a) for a in found], day


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_review_equals_the_review_of_every_record_after_any_changes(
        postgres_url: str, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(days, "BATCH", 5)  # a new day's clients in several batches
    store = PgStore(postgres_url, "tester")
    store.replace_all(make_demo(TODAY, clients=16, events=400, seed=seed))
    _agrees(store)  # the first reads of each day compute and keep it
    rng = random.Random(seed)
    for n in range(40):
        _change(store, rng, n)
        _agrees(store)
    store.close()


def test_a_review_read_of_a_new_day_is_kept_and_later_reads_use_it(postgres_url: str) -> None:
    """The first review of a day keeps it; a save changes the kept rows of its client only,
    and the review read afterwards shows the change without computing everything again."""
    store = PgStore(postgres_url, "tester")
    store.replace_all(make_demo(TODAY, clients=16, events=200))
    first = store.review(TODAY)
    with store._connection() as conn:  # what a second process would find kept
        kept = conn.execute("select count(distinct client_id) from review_items "
                            "where day = %s", (TODAY,)).fetchone()
    assert kept is not None and int(str(kept[0])) > 0
    # an item answered: the call summary sent takes the call-summary item away
    item = next(i for i in first.review if i.kind is ReviewKind.CALL_SUMMARY)
    store.save([Interaction(id="int_sent", client_id=item.client_id,
                            kind=InteractionKind.CALL_SUMMARY_SENT, on=TODAY)])
    after = store.review(TODAY)
    assert item not in after.review
    assert after.review == build_review(store.load_agency(), TODAY)
    store.close()


def test_the_kept_review_is_given_without_working_a_day_out(postgres_url: str) -> None:
    """``kept_review`` (what the app's first start reads when this person has no copy of
    the day) is the day's review once anyone worked it out, kept current by every save;
    before that, None -- at once, not the seconds working it out takes."""
    store = PgStore(postgres_url, "tester")
    store.replace_all(make_demo(TODAY, clients=16, events=200))
    later = TODAY + timedelta(days=9)
    assert store.kept_review(later) is None
    with store._connection() as conn:  # nothing was worked out for it by asking
        assert conn.execute("select count(*) from review_items where day = %s",
                            (later,)).fetchone() == (0,)
    worked_out = PgStore(postgres_url, "other").review(later)  # keeps the day
    kept = store.kept_review(later)
    assert kept is not None and kept == worked_out and kept.review
    client = next(c for c in store.records(Client) if c.name == kept.review[0].client)
    store.save([replace(client, name="Renamed Co")])
    after = store.kept_review(later)
    assert after is not None and "Renamed Co" in {i.client for i in after.review}
    assert after.review == build_review(store.load_agency(), later, DEFAULT_THRESHOLDS)
    store.close()


def test_two_threads_asking_for_a_new_day_at_once_work_it_out_once(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's background read and its re-read after a save (two connections of one
    store) both ask for a day nobody worked out: the second waits for the first's work."""
    import threading

    store = PgStore(postgres_url, "tester")
    store.replace_all(make_demo(TODAY, clients=16, events=200))
    later = TODAY + timedelta(days=5)
    calls: list[int] = []
    started, go_on = threading.Event(), threading.Event()
    compute_all = days.compute_all

    def counted(*args, **kwargs):  # the real work, counted, held until both have asked
        calls.append(1)
        started.set()
        assert go_on.wait(30)
        return compute_all(*args, **kwargs)

    monkeypatch.setattr(days, "compute_all", counted)
    from storage.postgres import assessments

    asked: list[int] = []  # the kept day looked for (and not found, the first times)
    overview = assessments.overview
    monkeypatch.setattr(assessments, "overview", lambda *a: (asked.append(1), overview(*a))[1])
    seen: list[object] = []
    first = threading.Thread(target=lambda: seen.append(store.overview(later)))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=lambda: seen.append(store.overview(later)))
    second.start()
    for _ in range(600):  # until the second found nothing kept (it goes on to work it out)
        if len(asked) == 2:
            break
        time.sleep(0.05)
    assert len(asked) == 2
    go_on.set()
    first.join()
    second.join()
    assert len(calls) == 1 and len(seen) == 2 and seen[0] == seen[1]
    store.close()


def test_pausing_a_client_frees_its_analysts_place_for_their_other_clients(
        postgres_url: str) -> None:
    """Over capacity is about a member's other clients: pausing the first of an analyst's
    two clients (limit one) takes the over-capacity item off the second one's review."""
    first, second = make_client(name="First"), make_client(name="Second")
    analyst = make_member(Role.ANALYST, max_clients=1)
    store = PgStore(postgres_url, "tester")
    store.replace_all(agency_of(first, second, team=False, members=(analyst,), assignments=(
        make_assignment(first, analyst, TODAY - timedelta(days=9)),
        make_assignment(second, analyst, TODAY - timedelta(days=2)))))
    over = [i for i in store.review(TODAY).review if i.kind is ReviewKind.OVER_CAPACITY]
    assert [i.client_id for i in over] == [second.id]
    store.save([replace(store.get(type(first), first.id), status=ClientStatus.PAUSED)])
    assert not [i for i in store.review(TODAY).review if i.kind is ReviewKind.OVER_CAPACITY]
    assert store.review(TODAY).review == build_review(store.load_agency(), TODAY)
    store.close()


def test_a_role_that_may_only_read_gets_a_new_days_review_computed_not_kept(
        postgres_url: str) -> None:
    """The reader role (docs/postgresql.md) may not write: its first review of a day is
    the review of every record all the same, and nothing is kept for it."""
    store = PgStore(postgres_url, "tester")
    store.replace_all(make_demo(TODAY, clients=16, events=200))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("create role kept_review_reader nologin")
        conn.execute("grant select on all tables in schema public to kept_review_reader")
    reader = PgStore(postgres_url + "&options=-c%20role%3Dkept_review_reader", "finance")
    assert reader.review(TODAY).review == build_review(store.load_agency(), TODAY)
    seen, full = reader.overview(TODAY), store.snapshot(TODAY)
    assert seen.review == full.review
    assert [_shown(a) for a in seen.assessments] == [_shown(a) for a in full.assessments]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("select count(*) from review_days").fetchone() == (0,)
    reader.close()
    store.close()


@pytest.mark.parametrize("what", ["a client's call", "a client paused", "calls moved",
                                  "a client renamed"])
def test_a_save_while_a_new_day_is_computed_goes_through_and_is_in_the_kept_review(
        postgres_url: str, monkeypatch: pytest.MonkeyPatch, what: str) -> None:
    """A new day is computed without the change lock: someone's save in the middle is not
    held up (it would time out if it were), and the day kept afterwards includes it -- its
    client computed again, or everything when the team changed."""
    store = PgStore(postgres_url, "tester")
    demo = make_demo(TODAY, clients=16, events=300)
    first, second = demo.clients[0], demo.clients[1]
    analyst = make_member(Role.ANALYST, max_clients=1)  # over capacity with two clients
    store.replace_all(replace(demo, members=(*demo.members, analyst), assignments=(
        *demo.assignments, make_assignment(first, analyst, TODAY - timedelta(days=9)),
        make_assignment(second, analyst, TODAY - timedelta(days=2)))))
    other = PgStore(postgres_url, "ann", lock_timeout=2.0)
    target = store.review(TODAY).review[0]
    compute_all = days.compute_all

    def meanwhile(conn, day, t):
        found = compute_all(conn, day, t)
        if what == "a client's call":
            other.save([Interaction(id="int_meanwhile", client_id=target.client_id,
                                    kind=InteractionKind.STATUS_CALL, on=day)])
        elif what == "a client paused":  # the analyst's place is freed: not over it now
            other.save([replace(other.get(Client, first.id), status=ClientStatus.PAUSED)])
        elif what == "calls moved":  # logged against the wrong client: both reviews change
            mine = [i for i in other.records(Interaction) if i.client_id == target.client_id]
            other.save([replace(i, client_id=second.id) for i in mine])
        else:  # one client's own change: the others need not be computed again
            monkeypatch.setattr(days, "keep_all", None)
            other.save([replace(other.get(Client, target.client_id), name="Renamed Ltd")])
        return found

    monkeypatch.setattr(days, "compute_all", meanwhile)
    tomorrow = TODAY + timedelta(days=1)
    before = store.snapshot(tomorrow) if what == "a client paused" else None
    kept = store.review(tomorrow)
    full = store.snapshot(tomorrow)
    assert kept.review == full.review
    if before is not None:  # the pause did change another client's review
        over = [(i.client_id, i.kind) for i in before.review if i.kind is ReviewKind.OVER_CAPACITY]
        assert (second.id, ReviewKind.OVER_CAPACITY) in over
        assert not [i for i in kept.review if i.kind is ReviewKind.OVER_CAPACITY
                    and i.client_id == second.id]
    assert [_shown(a) for a in store.overview(tomorrow).assessments] == [
        _shown(a) for a in full.assessments]
    other.close()
    store.close()
