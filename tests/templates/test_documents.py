"""Every built-in template, rendered from fixed data, gives exactly the expected text.

The expected files in ``expected/`` were read in full as a client would read them; a change
to a template or a view-model shows up here as a diff of the text the client gets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage.templates import available, render
from tests.templates.sample import CLIENT, SENDER, TODAY, agency
from tracker.documents import DOCUMENTS, build

EXPECTED = Path(__file__).parent / "expected"
CASES = {
    "kickoff": {},
    "call_summary": {},
    "change_order": {"request_id": "chg_1"},
    "change_order_proposal": {"request_id": "chg_2"},
    "stay_focused": {"request_id": "chg_2"},
    "stay_focused_parked": {"request_id": "chg_3"},
    "change_order_one_off": {"request_id": "chg_4"},
    "stay_focused_one_off": {"request_id": "chg_4"},
    "monthly_report": {"month": date(2026, 10, 1)},
    "new_contact_briefing": {},
    "save_mode_prep": {},
}


def document_of(case: str) -> str:
    return case.removesuffix("_proposal").removesuffix("_parked").removesuffix("_one_off")


def rendered(case: str) -> str:
    name = document_of(case)
    model = build(name, agency(), CLIENT, TODAY, SENDER, **CASES[case])
    return render(available(None)[name], model).text


def test_every_document_has_a_case_and_a_built_in_template():
    assert {document_of(c) for c in CASES} == set(DOCUMENTS)
    assert set(available(None)) == set(DOCUMENTS)


@pytest.mark.parametrize("case", CASES)
def test_document_text(case):
    expected = EXPECTED / f"{case}.md"
    assert rendered(case) == expected.read_text(encoding="utf-8")
