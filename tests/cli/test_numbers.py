"""On the command line, numbers and dates mean what they say: amounts in the client's
currency, past events not in the future, every date in range; bad input is one line,
exit 2, nothing written, never a traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from storage.repositories import Store
from tests.cli.test_commands import sk
from tests.factories import make_client
from tracker.models import Agency

ACME = make_client(name="Acme Bakery")  # USD
SIAM = make_client(name="Siam Spa", currency="THB", fee_cents=2_500_000)
HARBIN = make_client(name="Harbin Tea", currency="CNY", fee_cents=800_000)


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "agency.json"
    Store(path).replace_all(Agency(clients=(ACME, SIAM, HARBIN)))
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def refused(db: Path, *args: str) -> str:
    """Run a command that must be refused: exit 2, one line, nothing written."""
    before = files(db.parent)
    out = sk(*args, db=db)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.startswith("scopekeeper: error: ") and out.stderr.count("\n") == 1, \
        out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    assert files(db.parent) == before
    return out.stderr


EVENTS = [("log", "Acme", "--kind", "email"), ("nps", "Acme", "9"),
          ("budget", "Acme", "5000", "--from", "6000"), ("access", "Acme", "ops@rival.example"),
          ("contact", "Acme", "Dana Fox")]


@pytest.mark.parametrize("command", EVENTS, ids=lambda c: c[0])
@pytest.mark.parametrize("when", ["+2w", "+1w", "tomorrow", "2027-11-23"])
def test_what_happened_cannot_be_dated_in_the_future(db, command, when):
    err = refused(db, *command, "--on", when)
    assert f"--on: {when!r} is " in err and "in the future" in err


@pytest.mark.parametrize(
    "args",
    [("log", "Acme", "--kind", "email", "--on", "9999-12-31"),
     ("nps", "Acme", "9", "--on", "0001-01-01"),
     ("review", "--on", "0001-01-01"), ("review", "--on", "9999-12-31"),
     ("review", "--on", "+9999 months"),
     ("export", "--format", "ics", "--days", "100000000"),
     ("export", "--format", "ics", "--days", "731"),
     ("render", "monthly_report", "--client", "Acme", "--month", "9999-12")],
    ids=["log-far", "nps-year-one", "review-year-one", "review-far", "review-overflow",
         "ics-days-huge", "ics-days-over", "month-far"],
)
def test_every_date_is_bounded_with_a_clear_message(db, args):
    err = refused(db, *args)
    assert "out of range: dates run from 2000-01-01 to 2099-12-31" in err or \
        "at most 730 days ahead" in err


def test_a_past_event_without_a_year_is_the_last_such_day(db):
    out = sk("nps", "Acme", "9", "--on", "Dec 1", db=db, check=True)
    assert out.stdout == "recorded NPS 9/10 (promoter) for Acme Bakery on 2025-12-01\n"
    sk("log", "Acme", "--kind", "email", "--on", "Jun 30", db=db, check=True)
    assert [i.on for i in Store(db).interactions.all()] == [date(2026, 6, 30)]


def test_the_review_may_look_ahead(db):
    doc = json.loads(sk("review", "--format", "json", "--on", "Jan 5", db=db, check=True).stdout)
    assert doc["date"] == "2027-01-05"  # the nearest 5 January


@pytest.mark.parametrize(
    ("client", "new", "old", "shown"),
    [("Siam", "฿12,500", "THB 15,000", "฿15,000 -> ฿12,500 (-17%)"),
     ("Siam", "12,500 บาท", "15000", "฿15,000 -> ฿12,500 (-17%)"),
     ("Harbin", "¥8,000", "8000 CNY", "CN¥8,000 -> CN¥8,000 (no change)"),
     ("Harbin", "CN¥6,000", "RMB 8,000", "CN¥8,000 -> CN¥6,000 (-25%)"),
     ("Acme", "$7,000", "7k", "$7,000 -> $7,000 (no change)")],
    ids=["thb-symbol", "thb-word", "cny-yen-sign", "cny-symbol", "usd"],
)
def test_budget_amounts_are_read_in_the_clients_currency(db, client, new, old, shown):
    out = sk("budget", client, new, "--from", old, "--on", "2026-11-20", db=db, check=True)
    assert out.stdout.startswith(f"recorded budget {shown} for ")


@pytest.mark.parametrize(
    ("client", "amount", "says"),
    [("Acme", "Nov 2", "AMOUNT: not an amount: 'Nov 2' (USD, e.g. 1,200.50 or $1,200.50)"),
     ("Acme", "Dec 1", "not an amount: 'Dec 1'"), ("Acme", "abc 5", "not an amount: 'abc 5'"),
     ("Acme", "EUR 5", "'EUR 5' is not in USD, this client's currency"),
     ("Acme", "2 3", "not an amount: '2 3'"), ("Siam", "$5", "'$5' is not in THB"),
     ("Acme", "12345678901234567890", "is too large"),
     ("Harbin", "JPY 8000", "is not in CNY")],
    ids=["nov-2", "dec-1", "abc-5", "eur-in-usd", "two-numbers", "dollars-for-baht",
         "twenty-digits", "yen-for-yuan"],
)
def test_budget_amounts_that_are_not_the_clients_money_are_refused(db, client, amount, says):
    assert says in refused(db, "budget", client, amount, "--from", "5000")
    assert says.replace("AMOUNT", "--from") in refused(db, "budget", client, "5000",
                                                       "--from", amount)


def test_nps_wording_follows_the_one_band_definition(db, tmp_path):
    words = [sk("nps", "Acme", str(n), db=db, check=True).stdout.split("(")[1].split(")")[0]
             for n in (6, 7, 8, 9)]
    assert words == ["detractor", "passive", "passive", "promoter"]
    help_text = " ".join(sk("nps", "--help").stdout.split())
    assert "A detractor (0-6 by default: thresholds.nps_detractor_max) is a warning sign; " \
           "a passive (7-8: thresholds.nps_passive_max) or promoter score is not." in help_text
    cfg = tmp_path / "c.toml"
    cfg.write_text("[thresholds]\nnps_detractor_max = 7\n", encoding="utf-8")
    out = sk("--config", str(cfg), "nps", "Acme", "7", db=db, check=True)
    assert "(detractor)" in out.stdout


def test_nps_thresholds_that_make_no_bands_are_a_one_line_error(db, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[thresholds]\nnps_detractor_max = 8\nnps_passive_max = 6\n",
                   encoding="utf-8")
    out = sk("--config", str(cfg), "review", db=db)
    assert out.returncode == 1 and out.stderr.count("\n") == 1
    assert out.stderr == (f"scopekeeper: error: {cfg}: thresholds.nps_passive_max: must be "
                          "between nps_detractor_max (8) and 10\n")


CSV_LOG = ("Client,Type,Date,Notes\n"
           "Acme Bakery,email,2026-11-20,fine\n"
           "Acme Bakery,email,2027-11-20,next year\n"
           "Acme Bakery,email,9999-12-31,far\n"
           "Acme Bakery,email,Dec 1,a year ago\n")


def test_imported_rows_dated_in_the_future_or_out_of_range_are_refused(db, tmp_path):
    sheet = tmp_path / "log.csv"
    sheet.write_text(CSV_LOG, encoding="utf-8")
    before = files(db.parent)
    out = sk("import", str(sheet), db=db)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{sheet}:3: date: '2027-11-20' is Sat 20 Nov 2027, in the future" in out.stderr
    assert f"{sheet}:4: date: '9999-12-31' is out of range" in out.stderr
    assert f"{sheet}:5:" not in out.stderr  # "Dec 1" happened: the last 1 December
    assert files(db.parent) == before
    sheet.write_text("\n".join(CSV_LOG.splitlines()[:2] + CSV_LOG.splitlines()[4:]) + "\n",
                     encoding="utf-8")
    sk("import", str(sheet), db=db, check=True)
    assert sorted(i.on for i in Store(db).interactions.all()) == [date(2025, 12, 1),
                                                                  date(2026, 11, 20)]


CSV_CLIENTS = ("Name,Monthly fee,Currency,Start date\n"
               "Lotus Clinic,\"฿12,500\",THB,2026-01-05\n"
               "Jade Tea,\"CN¥8,000\",CNY,2026-01-05\n"
               "Yuan Books,8000 CNY,cny,2026-01-05\n"
               "Euro Shop,EUR 5,USD,2026-01-05\n"
               "Date Fee,Nov 2,USD,2026-01-05\n"
               "Far Start,100,USD,9999-01-01\n"
               "Huge Fee,12345678901234567890,USD,2026-01-05\n")


def test_imported_fees_are_read_in_the_rows_currency(db, tmp_path):
    sheet = tmp_path / "clients.csv"
    sheet.write_text(CSV_CLIENTS, encoding="utf-8")
    out = sk("import", str(sheet), db=db)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"{sheet}:5: fee: 'EUR 5' is not in USD" in out.stderr
    assert f"{sheet}:6: fee: not an amount: 'Nov 2'" in out.stderr
    assert f"{sheet}:7: start: '9999-01-01' is out of range" in out.stderr
    assert f"{sheet}:8: fee: '12345678901234567890' is too large" in out.stderr
    assert not any(f"{sheet}:{n}:" in out.stderr for n in (2, 3, 4))
    sheet.write_text("\n".join(CSV_CLIENTS.splitlines()[:4]) + "\n", encoding="utf-8")
    sk("import", str(sheet), db=db, check=True)
    got = {c.name: (c.fee_cents, c.currency) for c in Store(db).clients.all()}
    assert got["Lotus Clinic"] == (1_250_000, "THB")
    assert got["Jade Tea"] == got["Yuan Books"] == (800_000, "CNY")
