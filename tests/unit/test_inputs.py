"""Validation, typed dates, client lookup, text sanitising."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.factories import TODAY, make_client, make_nps, make_request
from tracker.dates import DateParseError, parse_day
from tracker.lookup import ClientNotFound, resolve_client
from tracker.models import CadenceSettings, ChangeStatus, Contact
from tracker.text import clean_line, clean_text
from tracker.validation import ValidationError, validate


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (make_client(name="  "), "name"),
        (make_client(fee_cents=-5), "fee_cents"),
        (make_client(currency="usd"), "currency"),
        (make_client(cadence=CadenceSettings(visit_min_days=50, visit_max_days=40)),
         "cadence.visit_max_days"),
        (make_client(cadence=CadenceSettings(min_contact_days=0)), "cadence.min_contact_days"),
        (make_client(primary_contact=Contact(id="p", name="")), "primary_contact.name"),
        (make_client(id=""), "id"),
        (make_client(comm_rules="x" * 20_001), "comm_rules"),
    ],
    ids=["blank-name", "negative-fee", "currency", "visit-window", "contact-days",
         "contact-name", "no-id", "huge-text"],
)
def test_bad_client_names_the_field(record, field):
    with pytest.raises(ValidationError) as e:
        validate(record)
    assert e.value.field == field


@pytest.mark.parametrize("score", [-1, 11])
def test_nps_is_0_to_10(score):
    with pytest.raises(ValidationError, match="NPS: is a score from 0 to 10"):
        validate(make_nps(make_client(), score))


def test_change_request_decision_dates_are_consistent():
    c = make_client()
    validate(make_request(c))
    with pytest.raises(ValidationError, match="Decided on: "):
        validate(replace(make_request(c), status=ChangeStatus.EXPAND))
    with pytest.raises(ValidationError, match="cannot be before"):
        validate(replace(make_request(c, 3, ChangeStatus.FOCUS), decided_on=date(2020, 1, 1)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-12-01", date(2026, 12, 1)), ("Dec 1", date(2026, 12, 1)),
     ("1 December 2026", date(2026, 12, 1)), ("today", TODAY), ("yesterday", date(2026, 11, 22)),
     ("3 days ago", date(2026, 11, 20)), ("+2w", date(2026, 12, 7)),
     ("-1 month", date(2026, 10, 23)), ("next fri", date(2026, 11, 27)),
     ("fri", date(2026, 11, 27)), ("last monday", date(2026, 11, 16)),
     ("monday", date(2026, 11, 30))],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_dates_people_type(text, expected):
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "garbage", "2026-13-01", "31 feb", "monkey"])
def test_bad_dates_say_what_works(text):
    with pytest.raises(DateParseError, match="date"):
        parse_day(text, TODAY)


CLIENTS = [make_client(id="cli_1", name="Acme Corp"), make_client(id="cli_2", name="Acme Labs"),
           make_client(id="cli_3", name="Beta")]


@pytest.mark.parametrize(("text", "expected"),
                         [("cli_2", "Acme Labs"), ("beta", "Beta"), ("  ACME CORP ", "Acme Corp"),
                          ("labs", "Acme Labs")],
                         ids=["id", "name-case", "name-spaces", "unique-part"])
def test_resolve_client(text, expected):
    assert resolve_client(CLIENTS, text).name == expected


@pytest.mark.parametrize(("text", "message"),
                         [("acme", "matches 2 clients: Acme Corp (cli_1), Acme Labs (cli_2)"),
                          ("zeta", "no client matches 'zeta'"), (" ", "no client given")],
                         ids=["ambiguous", "unknown", "blank"])
def test_resolve_client_errors(text, message):
    with pytest.raises(ClientNotFound, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_client(CLIENTS, text)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("\x1b]0;PWNED\x07", "\ufffd]0;PWNED\ufffd"), ("\x1b]52;c;SGVsbG8=\x1b\\", "\ufffd]52;c;SGVsbG8=\ufffd\\"),
     ("a\x9b6n", "a\ufffd6n"), ("rtl\u202eevil", "rtl\ufffdevil"), ("[bold]x[/]", "[bold]x[/]")],
    ids=["osc-title", "osc52-clipboard", "c1-csi", "bidi", "markup-untouched"],
)
def test_control_sequences_never_survive(raw, shown):
    assert clean_text(raw) == shown
    assert clean_line(raw) == shown


def test_clean_text_keeps_lines_clean_line_folds_them():
    assert clean_text("a\tb\nc") == "a\tb\nc"
    assert clean_line("a\tb\nc\r") == "a b c "


@pytest.mark.parametrize(("name", "twin"), [
    ("acme outdoor", True), ("  Acme   Outdoor ", True), ("ACME OUTDOOR", True),
    ("Acme Outdoors", False), ("Acme", False)])
def test_two_active_clients_cannot_share_a_name_but_for_case_or_spacing(name, twin):
    from tracker.lookup import twin_of
    from tracker.models import ClientStatus

    acme = make_client(id="cli_a", name="Acme Outdoor")
    new = make_client(id="cli_b", name=name)
    assert (twin_of([acme], new) is acme) is twin
    gone = make_client(id="cli_a", name="Acme Outdoor", status=ClientStatus.CHURNED)
    assert twin_of([gone], new) is None  # a churned client's name may be used again
    assert twin_of([acme], replace(new, id="cli_a")) is None  # itself


@pytest.mark.parametrize(("record", "message"), [
    (make_client(name="x" * 201), "Name: is 201 characters long; at most 200 fit"),
    (make_client(primary_contact=Contact(id="con_1", name="Ann", email="ann at acme")),
     "Main contact's email: 'ann at acme' is not an email address (like ana@client.com)"),
    (make_client(primary_contact=Contact(id="con_1", name=" ")), "Main contact: is required"),
    (make_client(contacts=(Contact(id="con_1", name="Bo", title="t" * 300),)),
     "Other contact's title: is 300 characters long; at most 200 fit"),
    (make_request(make_client(), description="d" * 2001),
     "Request: is 2,001 characters long; at most 2,000 fit"),
], ids=["long-name", "bad-email", "blank-contact", "long-title", "long-request"])
def test_every_refusal_names_the_field_as_people_call_it(record, message):
    with pytest.raises(ValidationError) as e:
        validate(record)
    assert str(e.value) == message


def test_a_good_email_and_names_at_the_limit_pass():
    validate(make_client(name="x" * 200, primary_contact=Contact(
        id="con_1", name="Ann", email="ann.lee+ads@acme.co.uk")))


def test_a_fee_in_a_currency_without_cents_is_whole():
    validate(make_client(currency="JPY", fee_cents=800_000))
    with pytest.raises(ValidationError, match="Monthly fee: JPY has no cents"):
        validate(make_client(currency="JPY", fee_cents=1_250))  # a USD fee made a JPY one
