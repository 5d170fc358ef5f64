"""The import plan accounts for every incoming record: each is added or left out, once,
under the FILE:LINE it came from, and what is added never takes a name already taken."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from hypothesis import given, strategies as st

from tests.factories import TODAY, ago, make_client
from tracker.imports import name_key, plan_import
from tracker.models import Agency, Client, Interaction, InteractionKind

NAMES = ["Acme", "acme", " ACME ", "Zeta Dental", "zeta  dental", "Omega"]
said = st.tuples(st.sampled_from([InteractionKind.EMAIL, InteractionKind.STATUS_CALL]),
                 st.integers(0, 2), st.sampled_from(["", "same note"]))


def fresh() -> Any:
    counter = itertools.count(1)
    return lambda kind: f"new_{kind}_{next(counter)}"


@st.composite
def cases(draw: Any) -> tuple[Agency, Agency, dict[str, str]]:
    ours = [make_client(id=f"cli_{n}", name=name) for n, name in
            enumerate(draw(st.lists(st.sampled_from(NAMES), max_size=3)))]
    theirs = [make_client(id=f"in_{n}", name=name) for n, name in
              enumerate(draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)))]

    def log(owners: list[Client], prefix: str) -> list[Interaction]:
        return [Interaction(id=f"{prefix}{n}", client_id=c.id, kind=k, on=ago(d), notes=t)
                for n, (c, (k, d, t)) in enumerate(draw(st.lists(
                    st.tuples(st.sampled_from(owners), said), max_size=8)))] if owners else []

    existing = Agency(clients=tuple(ours), interactions=tuple(log(ours, "int_")))
    incoming = Agency(clients=tuple(theirs), interactions=tuple(log(theirs + ours, "in_i")))
    origins = {r.id: f"f.csv:{n}" for n, r in enumerate(
        [*incoming.clients, *incoming.interactions], start=2)}
    return existing, incoming, origins


@given(case=cases(), duplicates=st.sampled_from(["skip", "merge"]))
def test_every_incoming_record_is_added_or_left_out_once_with_its_origin(case, duplicates):
    existing, incoming, origins = case
    plan = plan_import(existing, incoming, duplicates, fresh(), origins)
    assert len(plan.records) + len(plan.left_out) == len(origins)
    assert sum(plan.counts.values()) == len(plan.records)
    wheres = [left.where for left in plan.left_out]
    assert len(set(wheres)) == len(wheres) and set(wheres) <= set(origins.values())
    added = [r for r in plan.records if isinstance(r, Client)]
    keys = [name_key(c.name) for c in added]
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {name_key(c.name) for c in existing.clients}
    ids = {c.id for c in existing.clients} | {c.id for c in added}
    assert all(r.client_id in ids for r in plan.records if isinstance(r, Interaction))
    if duplicates == "merge":  # only merged clients and interactions already there
        assert all(" merged into " in str(x) or ": already there: " in str(x)
                   for x in plan.left_out)


@given(case=cases())
def test_an_interaction_already_there_stands_for_one_incoming_only(case):
    existing, incoming, origins = case
    plan = plan_import(existing, incoming, "merge", fresh(), origins)
    first: dict[str, str] = {}
    for c in existing.clients:
        first.setdefault(name_key(c.name), c.id)
    to_ours = {c.id: first.get(name_key(c.name)) for c in incoming.clients}
    to_ours |= {c.id: c.id for c in existing.clients}  # a row naming a client of the data

    def said(log: Any, where: Any = lambda i: i) -> Counter[Any]:
        return Counter((where(i.client_id), i.kind, i.on, i.notes) for i in log
                       if isinstance(i, Interaction) and where(i.client_id))

    before, wanted = said(existing.interactions), said(incoming.interactions, to_ours.get)
    after = said([*existing.interactions, *plan.records])
    # two alike in the data and three alike incoming: three afterwards, never five or two
    assert all(after[k] == max(before[k], wanted[k]) for k in before | wanted)


def test_twins_in_one_import_the_first_holds_the_name_and_the_rest_are_said():
    a = make_client(id="in_a", name="Acme Outdoor")
    b = make_client(id="in_b", name="acme  outdoor")
    mail = Interaction(id="in_i", client_id="in_b", kind=InteractionKind.EMAIL, on=TODAY)
    origins = {"in_a": "x.csv:2", "in_b": "x.csv:3", "in_i": "y.csv:2"}
    plan = plan_import(Agency(), Agency(clients=(a, b), interactions=(mail,)), "skip",
                       fresh(), origins)
    assert [str(x) for x in plan.left_out] == [
        "x.csv:3: client 'acme  outdoor': skipped: the name is taken by 'Acme Outdoor' "
        "(x.csv:2); --duplicates merge adds its records to that client",
        "y.csv:2: email on 2026-11-23: left out with its client 'acme  outdoor' (x.csv:3), "
        "which was skipped"]
    assert [r.name for r in plan.records] == ["Acme Outdoor"]
