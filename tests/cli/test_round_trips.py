"""Round trips through our own export formats lose nothing, whatever the text: export json
-> import into an empty file -> export json is the same file; export csv -> import into an
empty file gives the same records, field by field, for every field a CSV of clients and
interactions holds. Run in-process through the command line's ``main``, on real files."""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings, strategies as st

from scopekeeper.cli import main
from storage.csv_rows import RISKY, strip_controls
from storage.repositories import Store
from tests.factories import TODAY
from tracker.imports import name_key
from tracker.models import (
    AccessGrant,
    Activity,
    Agency,
    Assignment,
    CadenceSettings,
    CallFrequency,
    ChangeRequest,
    Client,
    ClientStatus,
    Contact,
    FeeKind,
    Interaction,
    InteractionKind,
    NpsResponse,
    Role,
    ScopeItem,
    TeamMember,
)

# quotes, separators, line breaks, a literal backslash-n, CJK, emoji, formula starters,
# tabs, CR, markup, an escape sequence, a bidi override -- and any other text
PIECES = ['"', '""', ",", ";", "\n", "\r\n", "\r", "\\n", "\t", "'", "''", "=", "+", "-",
          "@", "=1+2", "@SUM(A1)", "-2+3", "+44 20", "中文", "😀", "👩\u200d👩\u200d👧", " ",
          "\x1b[31m", "[bold]", "\u202e", "\x00", 'He said "yes, ok" and left']
hostile = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=6).map("".join)
named = st.tuples(hostile, st.sampled_from(["Acme", "Zeta", "北京", "Ünïcode"]), hostile).map(
    "".join)
days = st.dates(date(2000, 1, 1), TODAY)
#: An email address is checked on save; hostile in the ways an address may be.
emails = st.just("") | st.builds(
    "{}@{}.example".format, st.sampled_from(["ana", "o'brien", "x+y", "=1+2", "-ab", "中文"]),
    st.sampled_from(["client", "acme-co", "xn--80ak6aa92e"]))


@st.composite
def clients(draw: Any, n: int) -> list[Client]:
    names = draw(st.lists(named, min_size=n, max_size=n,  # told apart in a CSV too
                          unique_by=lambda name: name_key(strip_controls(name))))
    out = []
    for i, name in enumerate(names):
        visit_min = draw(st.integers(1, 90))
        contact = draw(st.none() | st.builds(
            Contact, id=st.just(f"con_{i}"), name=named, title=hostile, email=emails,
            phone=hostile))
        out.append(Client(
            id=f"cli_{i}", name=name, status=draw(st.sampled_from(ClientStatus)),
            remote=draw(st.booleans()), location=draw(hostile),
            **draw(st.sampled_from(["USD", "EUR", "THB", "JPY"]).flatmap(
                lambda cur: st.fixed_dictionaries({  # up to 1,000,000.00 a month; whole yen
                    "currency": st.just(cur), "fee_cents": st.integers(0, 10**6).map(
                        lambda n: n * 100) if cur == "JPY" else st.integers(0, 10**8)}))),
            start_date=draw(days), primary_contact=contact, channel_url=draw(hostile),
            comm_rules=draw(hostile), cadence=CadenceSettings(
                status_call=draw(st.sampled_from(CallFrequency)),
                monthly_report=draw(st.booleans()),
                min_contact_days=draw(st.integers(1, 400)), visit_min_days=visit_min,
                visit_max_days=draw(st.integers(visit_min, 200)))))
    return out


@st.composite
def interactions(draw: Any, owners: list[Client]) -> list[Interaction]:
    people = st.lists(named, max_size=3).map(tuple)  # who attended (JSON carries it)
    log = draw(st.lists(st.tuples(st.sampled_from(owners), st.sampled_from(InteractionKind),
                                  days, hostile, hostile, people, people), max_size=8))
    same = draw(st.booleans()) and log  # two alike stay two
    log += log[:1] if same else []
    return [Interaction(id=f"int_{n}", client_id=c.id, kind=k, on=on, author=a, notes=t,
                        attendees_ours=ours, attendees_theirs=theirs)
            for n, (c, k, on, a, t, ours, theirs) in enumerate(log)]


@st.composite
def agencies(draw: Any) -> Agency:
    """Clients and their interactions, and a record of most other tables."""
    cs = draw(clients(draw(st.integers(1, 4))))
    c = cs[0]
    member = TeamMember(id="mem_1", name=draw(named), role=draw(st.sampled_from(Role)),
                        login=draw(st.sampled_from(["", "priya", "j.smith", "an_1", "x-y"])))
    return Agency(
        clients=tuple(cs), interactions=tuple(draw(interactions(cs))), members=(member,),
        assignments=(Assignment(id="asg_1", client_id=c.id, member_id=member.id,
                                since=c.start_date),),
        scope_items=(ScopeItem(id="scp_1", client_id=c.id, title=draw(named),
                               deliverable=draw(hostile), success_metric=draw(hostile)),),
        change_requests=(ChangeRequest(id="chg_1", client_id=c.id, requested_on=draw(days),
                                       requested_by=draw(hostile),
                                       description=draw(named), reason=draw(hostile),
                                       fee_cents=draw(st.integers(0, 10**8)),
                                       fee_kind=draw(st.sampled_from(FeeKind))),),
        nps=(NpsResponse(id="nps_1", client_id=c.id, on=draw(days),
                         score=draw(st.integers(0, 10)), comment=draw(hostile)),),
        access_grants=(AccessGrant(id="acc_1", client_id=c.id, on=draw(days), who=draw(named),
                                   account=draw(hostile)),),
        activities=(Activity(id="act_1", client_id=c.id, on=draw(days), title=draw(named),
                             result=draw(hostile)),))


def sk(*args: str) -> str:
    """Run a command in this process; its standard output (it must succeed)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    assert code == 0, err.getvalue()
    return out.getvalue()


def stored(folder: Path, agency: Agency) -> Path:
    db = folder / "source.json"
    Store(db).replace_all(agency)
    return db


@settings(max_examples=40, deadline=None)
@given(agency=agencies())
def test_json_export_import_export_is_the_same_file(tmp_path_factory, agency):
    folder = tmp_path_factory.mktemp("json")
    db, empty = stored(folder, agency), folder / "empty" / "agency.json"
    sk("export", "--format", "json", "-o", str(folder / "one.json"), "--db", str(db))
    sk("import", str(folder / "one.json"), "--db", str(empty))
    sk("export", "--format", "json", "-o", str(folder / "two.json"), "--db", str(empty))
    one, two = ((folder / name).read_bytes() for name in ("one.json", "two.json"))
    stamp = re.compile(rb'"exported": "[^"]*"')  # the instant of each export
    assert stamp.sub(b"", one) == stamp.sub(b"", two)
    assert Store(empty).load_agency() == Store(db).load_agency()


def held_by_csv(agency: Agency, t: Callable[[str], str] = lambda text: text) -> list[str]:
    """Every field the CSV export holds, for each client with its interactions, its text
    as ``t`` gives it. It cannot hold: the ids (an import gives its own), the revisions,
    the contact's id, the other contacts, the other tables, and control characters other
    than tab and line breaks (left out: ``t=strip_controls``)."""
    out = []
    for c in agency.clients:
        p = c.primary_contact
        log = sorted(repr((i.kind, i.on, t(i.author), t(i.notes))) for i in agency.interactions
                     if i.client_id == c.id)
        out.append(repr((t(c.name), c.status, c.remote, t(c.location), c.fee_cents, c.currency,
                         c.start_date, p and (t(p.name), t(p.title), t(p.email), t(p.phone)),
                         t(c.channel_url), t(c.comm_rules), c.cadence, log)))
    return sorted(out)


@settings(max_examples=40, deadline=None)
@given(agency=agencies())
def test_csv_export_import_gives_the_same_records(tmp_path_factory, agency):
    folder = tmp_path_factory.mktemp("csv")
    db, empty = stored(folder, agency), folder / "empty" / "agency.json"
    sheets = folder / "sheets"
    sk("export", "--format", "csv", "-o", str(sheets), "--db", str(db))
    for sheet in sheets.iterdir():  # another reader of RFC 4180 sees no formula
        text = sheet.read_text(encoding="utf-8")
        assert all(cell[:1] not in RISKY
                   for row in csv.reader(io.StringIO(text, newline="")) for cell in row)
    rows = len(agency.clients) + len(agency.interactions)
    first = sk("import", str(sheets), "--db", str(empty))
    assert first.splitlines()[0].endswith(f" from {rows} row(s)") and "left out" not in first
    assert held_by_csv(Store(empty).load_agency()) == held_by_csv(agency, strip_controls)
    again = sk("import", str(sheets), "--duplicates", "merge", "--db", str(empty))
    assert again.splitlines()[:2] == [f"imported nothing from {rows} row(s)",
                                      f"left out {rows} row(s):"]
    assert held_by_csv(Store(empty).load_agency()) == held_by_csv(agency, strip_controls)

