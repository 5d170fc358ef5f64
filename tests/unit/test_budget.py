"""The budget now and one change in words: what the `budget` command and the entry form
offer as "the budget before", and what the overview and the timeline say of a change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.factories import make_budget, make_client
from tracker.budget import change_words, last_budget, newest_first

CLIENT = make_client(currency="USD")
OTHER = make_client()


def test_no_budget_is_known_before_the_first_change():
    assert last_budget([make_budget(OTHER, 100, 200)], CLIENT.id) is None


def test_the_budget_now_is_what_the_latest_change_set_it_to():
    changes = [make_budget(CLIENT, 100, 300, days_ago=2),
               make_budget(CLIENT, 300, 250, days_ago=9),
               make_budget(OTHER, 0, 999, days_ago=1)]  # another client's is not ours
    assert last_budget(changes, CLIENT.id) == 300


def test_of_one_day_the_change_with_the_greater_id_is_the_latest():
    first = replace(make_budget(CLIENT, 100, 200, days_ago=1), id="bud_b")
    second = replace(make_budget(CLIENT, 200, 50, days_ago=1), id="bud_a")
    assert last_budget([first, second], CLIENT.id) == 200
    assert last_budget([second, first], CLIENT.id) == 200


@pytest.mark.parametrize(("savings", "reason", "words"), [
    (False, "", "$7,000 -> $5,000 "),
    (False, "new CFO", "$7,000 -> $5,000 new CFO"),
    (True, "", "$7,000 -> $5,000 (savings we created) "),
], ids=["cut", "with-reason", "our-savings"])
def test_a_change_in_words(savings, reason, words):
    b = replace(make_budget(CLIENT, 700_000, 500_000, savings=savings), reason=reason)
    assert change_words(b, "USD") == words


def test_the_budget_history_starts_with_the_change_that_set_the_budget_now():
    changes = [make_budget(CLIENT, 100, 300, days_ago=2), make_budget(CLIENT, 300, 250, 9),
               replace(make_budget(CLIENT, 300, 400, days_ago=2), id="bud_zzz")]
    history = newest_first(changes)
    assert [b.new_cents for b in history] == [400, 300, 250]
    assert history[0].new_cents == last_budget(changes, CLIENT.id)
