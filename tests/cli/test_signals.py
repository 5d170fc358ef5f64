"""Quick logging from the shell: nps, budget, access and contact each record the event that
feeds its warning sign; bad input is one line, exit 2, nothing written."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_commands import sk
from tests.ui.helpers import demo_file

DAY = "2026-11-23"


@pytest.fixture
def db(tmp_path):
    return demo_file(tmp_path / "agency.json")


def codes(db, client: str) -> set[str]:
    doc = json.loads(sk("review", "--format", "json", "--on", DAY, db=db, check=True).stdout)
    return {i["kind"] for i in doc["items"] if i["client"] == client}


def test_each_command_raises_its_warning_sign(db):
    client = "Keystone Roofing"
    assert codes(db, client) & {"low_nps", "budget_cut", "new_access", "contact_change"} == set()
    out = sk("nps", client, "3", "--comment", "Too slow", "--on", DAY, db=db, check=True)
    assert out.stdout == f"recorded NPS 3/10 (detractor) for {client} on {DAY}\n"
    out = sk("budget", client, "6k", "--from", "10,000", "--reason", "Q1 freeze", "--on", DAY,
             db=db, check=True)
    assert out.stdout == f"recorded budget $10,000 -> $6,000 (-40%) for {client} on {DAY}\n"
    out = sk("access", client, "ops@rival.example", "--account", "Google Ads", "--on", DAY,
             db=db, check=True)
    assert out.stdout == (f"recorded access to Google Ads for ops@rival.example at {client} "
                          f"on {DAY}\n")
    out = sk("contact", client, "Dana Fox", "--title", "CMO", "--on", DAY, db=db, check=True)
    assert out.stdout.startswith("recorded main contact ") and "-> Dana Fox for " in out.stdout
    assert {"low_nps", "budget_cut", "new_access", "contact_change"} <= codes(db, client)
    # the next budget change starts from the last one recorded
    out = sk("budget", client, "9000", "--savings", "--on", DAY, db=db, check=True)
    assert out.stdout.startswith("recorded budget $6,000 -> $9,000 (+50%)")


@pytest.mark.parametrize(("args", "message"), [
    (("nps", "Keystone", "11"), "NPS is a score from 0 to 10 (got 11)"),
    (("nps", "Keystone", "nine"), "not a whole number: 'nine'"),
    (("nps", "Nobody Inc", "5"), "no client"),
    (("budget", "Keystone", "lots"), "not an amount: 'lots'"),
    (("budget", "Keystone", "5000"), "no budget recorded yet for Keystone Roofing"),
    (("budget", "Keystone", "5000", "--from", "-3"), "must not be negative"),
    (("access", "Keystone"), "the following arguments are required: WHO"),
    (("contact", "Keystone", "Dana", "--on", "someday"), "someday"),
    (("nps", "an", "5"), "matches"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_is_written(db, args, message):
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    out = sk(*args, db=db)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    after = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()
             if not p.name.endswith(".review")}
    assert after == {k: v for k, v in before.items() if not k.endswith(".review")}
