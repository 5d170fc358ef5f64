"""An amount is a number in the client's currency, bounded; it reads back as written."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from tests.factories import make_client
from tracker.models import BudgetChange
from tracker.money import (
    CURRENCIES,
    MAX_CENTS,
    MoneyError,
    amount_text,
    currency,
    format_money,
    parse_money,
)
from tracker.validation import ValidationError, validate


@pytest.mark.parametrize(
    ("text", "code", "cents"),
    [("1200", "USD", 120_000), ("1,200.50", "USD", 120_050), ("$1,200", "USD", 120_000),
     ("25k", "USD", 2_500_000), ("2.5k", "USD", 250_000), ("usd 7", "USD", 700),
     ("7 USD", "USD", 700), ("US$ 3", "USD", 300),
     ("฿12,500", "THB", 1_250_000), ("THB 12,500", "THB", 1_250_000),
     ("12,500 THB", "THB", 1_250_000), ("12,500 บาท", "THB", 1_250_000),
     ("CN¥8,000", "CNY", 800_000), ("¥8,000", "CNY", 800_000), ("8000 CNY", "CNY", 800_000),
     ("RMB 8,000", "CNY", 800_000), ("8000元", "CNY", 800_000),
     ("¥8,000", "JPY", 800_000), ("8,000.00", "JPY", 800_000),
     ("CHF 5", "CHF", 500), ("5 chf", "CHF", 500)],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_amounts_people_type_in_the_clients_currency(text, code, cents):
    assert parse_money(text, code) == cents


@pytest.mark.parametrize(
    ("text", "code", "says"),
    [("Nov 2", "USD", "not an amount: 'Nov 2' (USD, e.g. 1,200.50 or $1,200.50)"),
     ("Dec 1", "USD", "not an amount: 'Dec 1'"),
     ("abc 5", "USD", "not an amount: 'abc 5'"),
     ("EUR 5", "USD", "'EUR 5' is not in USD, this client's currency (e.g. 1,200.50 or "
                      "$1,200.50)"),
     ("€5", "USD", "is not in USD"), ("$5", "THB", "is not in THB"),
     ("¥8,000", "USD", "is not in USD"), ("CN¥8,000", "JPY", "is not in JPY"),
     ("2 3", "USD", "not an amount: '2 3'"), ("12,50", "USD", "not an amount: '12,50'"),
     ("1,2,3", "USD", "not an amount"), ("0,100", "USD", "not an amount"),
     (".5", "USD", "not an amount"), ("5.", "USD", "not an amount"),
     ("$5 USD", "USD", "the currency once"), ("1.234", "USD", "at most 2 decimals"),
     ("8,000.5", "JPY", "JPY amounts have no decimals"), ("-5", "USD", "must not be negative"),
     ("12345678901234567890", "USD", "is too large: amounts go up to $100,000,000,000"),
     ("๑๒๓", "THB", "not an amount"), ("", "USD", "no amount given")],
    ids=["date", "date2", "letters", "other-code", "other-symbol", "dollar-for-baht",
         "yen-for-dollars", "yuan-for-yen", "two-numbers", "decimal-comma", "bad-groups",
         "leading-zero-group", "bare-fraction", "trailing-dot", "twice", "three-decimals",
         "yen-cents", "negative", "twenty-digits", "thai-digits", "empty"],
)
def test_anything_else_is_refused_with_an_example(text, code, says):
    with pytest.raises(MoneyError) as e:
        parse_money(text, code)
    assert says in str(e.value)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("cents", "code", "shown"),
    [(1_250_000, "THB", "฿12,500"), (1_250_050, "THB", "฿12,500.50"),
     (800_000, "CNY", "CN¥8,000"), (800_000, "JPY", "¥8,000"), (120_000, "USD", "$1,200"),
     (-50, "USD", "-$0.50"), (500, "CHF", "5 CHF"), (MAX_CENTS, "EUR", "€100,000,000,000")],
    ids=["thb", "thb-satang", "cny", "jpy", "usd", "negative", "code-only", "largest"],
)
def test_amounts_are_shown_in_the_clients_currency(cents, code, shown):
    assert format_money(cents, code) == shown


codes = st.sampled_from([*CURRENCIES, "CHF", "KRW", "SEK"])


@st.composite
def amounts(draw):
    """A currency and an amount it can hold (whole units where it has no cents)."""
    code = draw(codes)
    step = 100 if currency(code).decimals == 0 else 1
    return code, draw(st.integers(0, MAX_CENTS // step)) * step


@given(amounts())
def test_what_is_shown_reads_back_as_the_same_amount(case):
    code, cents = case
    assert parse_money(format_money(cents, code), code) == cents
    assert parse_money(amount_text(cents), code) == cents  # a form's initial value


@given(amounts())
def test_negative_amounts_read_back_where_they_are_allowed(case):
    code, cents = case
    assert parse_money(format_money(-cents, code), code, allow_negative=True) == -cents


@given(text=st.text(max_size=30) | st.from_regex(r"[-$€¥฿ A-Za-z]{0,4}[0-9,.]{1,16}[kK]?"
                                                 r"[ A-Za-z¥元]{0,4}", fullmatch=True),
       code=codes)
def test_no_text_breaks_the_parser_and_every_amount_is_bounded(text, code):
    try:
        cents = parse_money(text, code)
    except MoneyError as e:  # one line, and what was typed can never reach a terminal raw
        assert str(e).isprintable()
    else:
        assert 0 <= cents <= MAX_CENTS


@pytest.mark.parametrize("cents", [-1, MAX_CENTS + 1])
def test_stored_amounts_are_bounded_too(cents):
    c = make_client()
    budget = BudgetChange(id="b", client_id=c.id, on=c.start_date, old_cents=0, new_cents=cents)
    with pytest.raises(ValidationError) as e:
        validate(budget)
    assert e.value.field == "new_cents"
    with pytest.raises(ValidationError):
        validate(make_client(fee_cents=cents))
