"""The record types are listed once (tracker/record_types.py): a new one registered there
and not everywhere it must be — or added to the models and not registered — fails here,
before it fails to load, save or validate in someone's data file."""

from __future__ import annotations

import dataclasses
import inspect
import typing

import pytest

import tracker.models
from storage.ids import new_id
from storage.repositories import Store
from storage.tables import TABLE_OF, TABLES
from tracker.models import Agency
from tracker.record_types import BY_CLASS, RECORD_TYPES, Record
from tracker.validation import VALIDATORS

#: What every data file and id already written says: never to change.
ON_DISK = {
    "Client": ("clients", "cli"), "TeamMember": ("members", "mem"),
    "Assignment": ("assignments", "asg"), "ScopeItem": ("scope_items", "scp"),
    "ChangeRequest": ("change_requests", "chg"), "Interaction": ("interactions", "int"),
    "NpsResponse": ("nps", "nps"), "BudgetChange": ("budget_changes", "bud"),
    "AccessGrant": ("access_grants", "acc"), "ContactChange": ("contact_changes", "cch"),
    "SignState": ("sign_states", "sgn"), "Snooze": ("snoozes", "snz"),
    "Activity": ("activities", "act"),
}


def test_every_stored_model_is_a_registered_record_type():
    # a stored record carries a revision; Contact (inside a Client) does not
    stored = {cls for _, cls in inspect.getmembers(tracker.models, inspect.isclass)
              if dataclasses.is_dataclass(cls) and cls.__module__ == "tracker.models"
              and "rev" in {f.name for f in dataclasses.fields(cls)}}
    assert stored == set(BY_CLASS)


def test_table_names_and_id_prefixes_are_those_of_the_files_already_written():
    assert {t.cls.__name__: (t.table, t.prefix) for t in RECORD_TYPES} == ON_DISK
    assert len({t.singular for t in RECORD_TYPES}) == len(RECORD_TYPES)


def test_the_agency_has_one_field_per_record_type_in_table_order():
    hints = typing.get_type_hints(Agency)
    fields = [f.name for f in dataclasses.fields(Agency)]
    assert fields == [t.table for t in RECORD_TYPES]
    assert [hints[name] for name in fields] == [tuple[t.cls, ...] for t in RECORD_TYPES]


def test_every_record_type_is_validated_stored_and_given_ids():
    assert set(VALIDATORS) == set(BY_CLASS)
    assert {t.cls: t.table for t in RECORD_TYPES} == TABLES
    assert set(TABLE_OF) == {t.table for t in RECORD_TYPES}
    for t in RECORD_TYPES:
        assert new_id(t.cls.__name__).startswith(f"{t.prefix}_")


@pytest.mark.parametrize("kind", RECORD_TYPES, ids=lambda t: t.table)
def test_the_store_has_a_repository_for_every_record_type(tmp_path, kind):
    store = Store(tmp_path / "agency.json", lazy=True)
    assert store.repo(kind.cls).cls is kind.cls
    assert store.repo(kind.cls) is getattr(store, kind.table)
    assert store.repo(kind.cls).all() == ()


def test_a_save_is_typed_for_every_record_type_and_no_other():
    # Record is what Storage.save takes and gives back; a type missing from it would make
    # its saves fail to type-check, one not stored would type-check and fail at run time
    assert set(typing.get_args(Record)) == {t.cls for t in RECORD_TYPES}
