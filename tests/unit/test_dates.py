"""A date means what it says: the sensible year, never a future day for something that
happened, and always inside the one range of dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from scopekeeper import host
from tests.factories import TODAY
from tracker import dates
from tracker.dates import EARLIEST, LATEST, DateParseError, Sense, parse_day

# TODAY is Monday 23 November 2026


@pytest.mark.parametrize(
    ("text", "sense", "expected"),
    [("Jun 30", Sense.DUE, date(2027, 6, 30)),  # a due date: the next 30 June
     ("Jun 30", Sense.PAST, date(2026, 6, 30)),  # something that happened: the last one
     ("Dec 1", Sense.PAST, date(2025, 12, 1)), ("Dec 1", Sense.DUE, date(2026, 12, 1)),
     ("Nov 23", Sense.DUE, TODAY), ("Nov 23", Sense.PAST, TODAY),
     ("Jan 5", Sense.ANY, date(2027, 1, 5)), ("Jun 30", Sense.ANY, date(2026, 6, 30)),
     ("29 Feb", Sense.PAST, date(2024, 2, 29)), ("29 Feb", Sense.DUE, date(2028, 2, 29)),
     ("fri", Sense.PAST, date(2026, 11, 20)), ("fri", Sense.DUE, date(2026, 11, 27)),
     ("mon", Sense.PAST, TODAY), ("this mon", Sense.ANY, TODAY),
     ("1st of December", Sense.DUE, date(2026, 12, 1)),
     ("December 1st, 2026", Sense.ANY, date(2026, 12, 1)),
     ("Tue 1 Dec 2026", Sense.ANY, date(2026, 12, 1)),
     ("in 2 weeks", Sense.DUE, date(2026, 12, 7))],
    ids=["due-next", "past-last", "past-dec", "due-dec", "due-today", "past-today",
         "any-nearest-ahead", "any-nearest-behind", "leap-past", "leap-due", "weekday-past",
         "weekday-due", "weekday-today", "this-week", "ordinal", "comma", "with-weekday",
         "in-two-weeks"],
)
def test_a_date_without_a_year_means_the_sensible_one(text, sense, expected):
    assert parse_day(text, TODAY, sense) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [("+2w", "'+2w' is Mon 07 Dec 2026, in the future: give the day it happened"),
     ("+1w", "in the future"), ("tomorrow", "in the future"), ("next fri", "in the future"),
     ("2027-11-23", "in the future"), ("Dec 1 2026", "in the future")],
    ids=["log-in-two-weeks", "nps-next-week", "tomorrow", "next-fri", "next-year",
         "next-week-with-year"],
)
def test_something_that_happened_is_never_dated_in_the_future(text, says):
    with pytest.raises(DateParseError) as e:
        parse_day(text, TODAY, Sense.PAST)
    assert says in str(e.value)
    assert parse_day(text, TODAY, Sense.DUE) > TODAY  # a due date may well be ahead


@pytest.mark.parametrize(
    ("text", "says"),
    [("9999-12-31", "'9999-12-31' is out of range: dates run from 2000-01-01 to 2099-12-31"),
     ("0001-01-01", "'0001-01-01' is out of range"), ("1999-12-31", "out of range"),
     ("2100-01-01", "out of range"), ("+9999 months", "out of range"),
     ("+9999 y", "out of range"), ("9999 days ago", "out of range"),
     ("31 Dec 9999", "out of range"),
     ("12/01/2026", "not a date: '12/01/2026' (try 2026-12-01, Dec 1"),
     ("2026", "not a date"), ("5", "not a date"), ("Dec 2026", "not a date"),
     ("31 feb", "not a date: '31 feb' (there is no 31 Feb)"),
     ("2026-02-30", "not a date: '2026-02-30' (no such day"),
     ("Fri 1 Dec 2026", "01 Dec 2026 is a Tuesday"), ("-3 days ago", "not a date"),
     ("2026-12-01T10:00", "not a date"), ("20261201", "not a date")],
    ids=["far-future", "year-one", "before-range", "after-range", "months-overflow",
         "years-overflow", "days-before", "named-far", "numeric-ambiguous", "year-alone",
         "day-alone", "month-alone", "31-feb", "30-feb", "wrong-weekday", "double-negative",
         "a-time", "compact-iso"],
)
def test_every_date_is_bounded_and_odd_text_is_refused(text, says):
    for sense in Sense:
        with pytest.raises(DateParseError) as e:
            parse_day(text, TODAY, sense)
        assert says in str(e.value)


def test_the_moved_clock_uses_the_same_range():
    assert (host.EARLIEST, host.LATEST) == (EARLIEST, LATEST) == (dates.EARLIEST, dates.LATEST)
    assert host.parse_day(str(LATEST)) == LATEST
    for outside in (EARLIEST - timedelta(days=1), LATEST + timedelta(days=1)):
        with pytest.raises(host.HostError, match="between 2000-01-01 and 2099-12-31"):
            host.parse_day(outside.isoformat())


days = st.dates(EARLIEST, LATEST)
typed = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"(next |last |this |in )?[+-]?[0-9]{1,5} ?(d|w|m|y|days|weeks|months)"
                  r"( ago)?", fullmatch=True),
    st.from_regex(r"[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    st.builds(lambda d, f: d.strftime(f), st.dates(date(1, 1, 1), date(9999, 12, 31)),
              st.sampled_from(["%Y-%m-%d", "%d %b", "%b %d", "%d %B %Y", "%a %d %b %Y",
                               "%b %d, %Y", "%a"])),
)


@given(text=typed, today=days, sense=st.sampled_from(list(Sense)))
def test_no_text_breaks_the_parser_and_every_accepted_date_is_in_range(text, today, sense):
    try:
        day = parse_day(text, today, sense)
    except DateParseError as e:  # one line, and what was typed can never reach a terminal raw
        assert str(e).isprintable()
    else:
        assert EARLIEST <= day <= LATEST
        if sense is Sense.PAST:
            assert day <= today


@given(day=days, today=days, sense=st.sampled_from(list(Sense)))
def test_a_date_with_its_year_reads_back_as_itself(day, today, sense):
    for shown in (day.isoformat(), f"{day:%d %b %Y}", f"{day:%a %d %B %Y}"):
        if sense is Sense.PAST and day > today:
            with pytest.raises(DateParseError, match="in the future"):
                parse_day(shown, today, sense)
        else:
            assert parse_day(shown, today, sense) == day


@given(day=days, today=days)
def test_without_a_year_past_is_the_last_such_day_and_due_the_next(day, today):
    text = f"{day:%d %b}"
    try:
        last, nxt = parse_day(text, today, Sense.PAST), parse_day(text, today, Sense.DUE)
    except DateParseError as e:  # only at the very ends of the range
        assert "out of range" in str(e)
        return
    assert (last.month, last.day) == (nxt.month, nxt.day) == (day.month, day.day)
    assert last <= today <= nxt
    assert (today - last).days < 366 * 4 + 1 and (nxt - today).days < 366 * 4 + 1
    if (day.month, day.day) != (2, 29):
        assert (today - last).days < 366 and (nxt - today).days < 366


@pytest.mark.parametrize("field", ["min_contact_days", "visit_max_days"])
def test_cadence_intervals_cannot_carry_a_date_out_of_range(field):
    from tests.factories import make_client
    from tracker.models import CadenceSettings
    from tracker.validation import ValidationError, validate

    with pytest.raises(ValidationError) as e:
        validate(make_client(cadence=CadenceSettings(**{field: 10**9})))
    assert e.value.field == f"cadence.{field}" and "3650" in e.value.message
