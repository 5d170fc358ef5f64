"""A JSON export with any field of any record changed to any JSON value, or removed, is
read or refused line by line: never a traceback, never taken with a field of the wrong
type or an id that is not one (1 to 64 letters, digits, _ or -, as the README says)."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from hypothesis import given, settings, strategies as st

from storage.json_export import export_json, read_export
from tests.cli.test_round_trips import agencies
from tracker.validation import validate

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def is_id(text: str) -> bool:
    return ID.fullmatch(text) is not None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["cli_\r\nX", "a;b", "2026-02-30", "3", "", "-1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                               max_size=3),
    max_leaves=6)


def places(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``doc``: each key of an object, each item of a list."""
    found = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += places(value, (*path, key))
    elif isinstance(doc, list):
        for n, value in enumerate(doc):
            found += places(value, (*path, n))
    return found


TYPES = {"format": str, "version": int, "schema": int, "exported": str, "tables": dict}


@settings(max_examples=100, deadline=None)
@given(agency=agencies(), data=st.data())
def test_any_field_of_an_export_changed_to_anything_is_read_or_refused_line_by_line(
        agency, data):
    doc = orjson.loads(export_json(agency, "2026-11-25T00:00:00Z"))
    every = places(doc)[1:]
    named = [p for p in every if len(p) == 1 or (  # the document's own, every id and key
        isinstance(p[-1], str) and (p[-1] == "id" or p[-1].endswith(("_id", "_key"))))]
    place = data.draw(st.sampled_from(named) | st.sampled_from(every), label="place")
    *inside, last = place
    holder = doc
    for step in inside:
        holder = holder[step]
    if data.draw(st.booleans(), label="remove"):
        del holder[last]
    else:
        holder[last] = data.draw(json_values, label="value")
    raw = json.dumps(doc, indent=2).encode()
    got = read_export(raw, "x.json")
    assert all(p.startswith("x.json") and "\n" not in p for p in got.problems)
    if got.problems:
        return
    assert all(isinstance(doc[k], t) and not isinstance(doc[k], bool)
               for k, t in TYPES.items() if k in doc)
    for table in got.agency.__dataclass_fields__:
        for record in getattr(got.agency, table):
            validate(record)
            assert is_id(record.id)
            assert all(is_id(getattr(record, f)) for f in record.__slots__
                       if f.endswith("_id") and getattr(record, f))
