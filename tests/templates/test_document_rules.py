"""Rules every document keeps, for every demo client and a client with nothing yet:
it says what was decided, its cadence is the client's real one, no heading stands empty."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from storage.repositories import Store
from storage.templates import available, render
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.ui.helpers import demo_file
from tracker.decisions import ScopeDraft
from tracker.documents import DOCUMENTS, DocumentError, Sender, build
from tracker.documents.common import CALL_WORDS
from tracker.models import (
    Agency,
    CadenceSettings,
    CallFrequency,
    ChangeStatus,
    Client,
    FeeKind,
)

SENDER = Sender(name="Priya Shah", agency="Northlight Digital")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_file(tmp_path_factory.mktemp("docs") / "agency.json")


def documents(agency: Agency, client: Client):
    for name in DOCUMENTS:
        try:
            model = build(name, agency, client, TODAY, SENDER)
        except DocumentError:
            continue  # nothing to write it about (no call, no pending request...)
        yield name, render(available(None)[name], model).text


def empty_headings(text: str) -> list[str]:
    """Headings followed by nothing, or straight by a heading of their level or above."""
    found = []
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for i, line in enumerate(lines):
        level = len(line) - len(line.lstrip("#"))
        if not level or not line[level:].startswith(" "):
            continue
        after = lines[i + 1] if i + 1 < len(lines) else ""
        after_level = len(after) - len(after.lstrip("#"))
        if not after or (after_level and after_level <= level):
            found.append(line)
    return found


def test_no_document_has_an_empty_section_heading(demo):
    agency = Store(demo).load_agency()
    bare = Client(id="cli_bare", name="Bare Co", start_date=TODAY)
    cases = [(agency, c) for c in agency.clients] + [(Agency(clients=(bare,)), bare)]
    found = {(name, h, c.name) for a, c in cases for name, text in documents(a, c)
             for h in empty_headings(text)}
    assert found == set()
    assert empty_headings("# A\n\n## B\n\n## C\ntext\n") == ["## B"]  # the check works


@pytest.mark.parametrize("freq", [f for f in CallFrequency if f is not CallFrequency.NONE])
def test_the_cadence_a_document_states_is_the_clients_real_one(demo, freq):
    """A house rule written for an older cadence ("Weekly status call") never contradicts
    the real one: the documents state the cadence from the client's settings only."""
    agency = Store(demo).load_agency()
    client = replace(agency.clients[0], cadence=CadenceSettings(status_call=freq),
                     comm_rules="Weekly status call; monthly report; no unscheduled calls.\n"
                                "Status call every two weeks\nReports by the 5th")
    agency = replace(agency, clients=(client, *agency.clients[1:]))
    others = [w for f, w in CALL_WORDS.items() if w and f is not freq]
    for name, text in documents(agency, client):
        if name not in ("kickoff", "new_contact_briefing"):
            continue
        assert CALL_WORDS[freq].lower() in text.lower(), name
        assert not [w for w in others if w in text.lower()], name
        assert not re.search(r"weekly status call|every two weeks",
                             text.lower().replace(CALL_WORDS[freq], "")), name
        assert "No unscheduled calls." in text and "Reports by the 5th." in text  # kept


def render_for(ws: Workspace, name: str, client: Client, **kw) -> str:
    return ws.document(name, ws.find_client(client.id), SENDER, **kw).text


def test_every_field_a_decision_form_asks_for_is_in_its_document(demo, tmp_path):
    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    ws = Workspace(db, user="priya", clock=lambda: TODAY)
    pending = [r for r in ws.store.change_requests.all() if r.status is ChangeStatus.PENDING]
    first, second = pending[0], pending[1]
    client = ws.store.clients.get(first.client_id)
    # expand: every field of the form
    draft = ScopeDraft(title="Spring landing page", deliverable="page + tracking",
                       due=TODAY.replace(day=30), success_metric="400 sign-ups",
                       fee_cents=180_000, fee_kind=FeeKind.ONE_OFF)
    ws.act.expand(client, first, [draft])
    order = render_for(ws, "change_order", client, request_id=first.id)
    for shown in ("Spring landing page", "page + tracking", "30 November 2026",
                  "400 sign-ups", "a one-off fee of $1,800", "(unchanged)"):
        assert shown in order, shown
    assert "a month" not in order.split("## Fee")[1].split("## Schedule")[0].replace(
        "Monthly fee", "")  # a one-off fee is not presented as monthly
    # stay focused: the reason given to the client
    reason = "The launch comes first; we can plan this for January."
    ws.act.stay_focused(second, reason)
    other = ws.store.clients.get(second.client_id)
    assert reason in render_for(ws, "stay_focused", other, request_id=second.id)


def test_a_call_summary_names_who_attended_as_recorded(demo, tmp_path):
    from tracker.models import Interaction, InteractionKind

    db = tmp_path / "a.json"
    db.write_bytes(demo.read_bytes())
    ws = Workspace(db, user="priya", clock=lambda: TODAY)
    client = ws.find_client("Lumen")
    ws.act.save(Interaction(id="int_call", client_id=client.id, kind=InteractionKind.STATUS_CALL,
                            on=TODAY, notes="Q1 plan", attendees_ours=("Priya Shah",),
                            attendees_theirs=("Zoe Park", "Sam Lee")))
    text = render_for(ws, "call_summary", client, call_id="int_call")
    assert f"For {client.name}: Zoe Park, Sam Lee" in text
    assert "For Northlight Digital: Priya Shah" in text


def test_prose_is_not_hard_wrapped_so_any_viewer_wraps_it_at_its_width(demo):
    """A paragraph is one line: at 80 columns a viewer that wraps a line broken at 88 would
    leave a stray word on a line of its own ("... to\\n the\\n scope of work")."""
    agency = Store(demo).load_agency()
    broken = set()
    for client in agency.clients[:6]:
        for name, text in documents(agency, client):
            lines = text.splitlines()
            broken |= {(name, a) for a, b in pairwise(lines)
                       if a.strip() and re.match(r"\s*[a-z]", b)}
    assert broken == set()


def test_a_call_summary_never_plans_the_next_call_in_the_past(demo):
    from datetime import datetime

    agency = Store(demo).load_agency()
    said = []
    for client in agency.clients:
        for name, text in documents(agency, client):
            if name != "call_summary":
                continue
            m = re.search(r"Our next call is planned for (\d+ \w+ \d{4})\.", text)
            if m:
                planned = datetime.strptime(m.group(1), "%d %B %Y").date()
                assert planned >= TODAY, (client.name, planned)
            said.append("planned" if m else "propose" if
                        "We will send you a time for our next call" in text else "neither")
    assert "neither" not in said
    assert {"planned", "propose"} <= set(said)  # the demo's overdue calls propose a time
