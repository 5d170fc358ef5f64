"""Our full export: every table as JSON, read back with the line each record starts on, so
that whatever an import leaves out can be named by FILE:LINE like a CSV row.

Reading checks everything a hand-edited or hostile file could get wrong, each with one
line: the type of every field of the document and of every record, every id and
reference against the id rule of :mod:`storage.ids` (an id goes into calendars, sheets and
file names), and how much there is to read (:mod:`storage.import_limits`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from storage.codecs import DecodeError, decode, encode
from storage.ids import ID_RULE, is_id, is_key
from storage.import_limits import LIMITS, ImportLimits, TooLarge, stopped
from storage.tables import TABLES
from tracker.errors import ValidationError
from tracker.models import Agency
from tracker.text import escape_unsafe_json
from tracker.validation import validate

EXPORT_FORMAT = "scopekeeper-export"
_SPACE = re.compile(r"[ \t\n\r]*")


def export_json(agency: Agency, exported: str) -> bytes:
    from storage.engine.formats import SCHEMA_VERSION

    doc = {"format": EXPORT_FORMAT, "version": 1, "schema": SCHEMA_VERSION,
           "exported": exported,
           "tables": {name: [encode(r) for r in getattr(agency, name)]
                      for name in TABLES.values()}}
    # a C1 control or a bidi override is written as \uXXXX: the same text when imported,
    # and safe to show on a terminal (export to standard output, cat, less)
    return escape_unsafe_json(orjson.dumps(doc, option=orjson.OPT_INDENT_2)) + b"\n"


def is_export(raw: bytes) -> bool:
    return raw.lstrip()[:1] == b"{" and EXPORT_FORMAT.encode() in raw[:200]


@dataclass
class ExportRead:
    agency: Agency = field(default_factory=Agency)
    problems: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # record id -> FILE:LINE


#: The fields of the document, what each holds, and whether it must be there.
_FIELDS: dict[str, tuple[type, str, bool]] = {
    "format": (str, "text", True), "version": (int, "a whole number", False),
    "schema": (int, "a whole number", True), "exported": (str, "text", False),
    "tables": (dict, "an object of tables", True)}
#: How deep a document of ours goes (document, tables, table, record, contacts, contact).
_DEPTH = 6


def read_export(raw: bytes, source: str, limits: ImportLimits = LIMITS) -> ExportRead:
    """The agency in one of our JSON exports, where each record is, and what is wrong."""
    # every value but the first follows a comma or opens an array or an object: at most
    # this many (commas in text count too), counted before any is made
    values = raw.count(b",") + raw.count(b"[") + raw.count(b"{")
    if values > limits.json_values:
        raise TooLarge(f"{source}: holds more than {limits.json_values:,} JSON values; an "
                       f"import reads at most {limits.json_values:,} (is it one of our "
                       "exports?); nothing was imported")
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        if "depth limit" in str(e):
            return ExportRead(problems=[_too_deep(source)])
        return ExportRead(problems=[f"{source}: not valid JSON ({e})"])
    try:
        return _read_doc(doc, raw, source, limits)
    except RecursionError:  # something nested far deeper than any export of ours
        return ExportRead(problems=[_too_deep(source)])


def _too_deep(source: str) -> str:
    return (f"{source}: nested hundreds of levels deep: not a scopekeeper export (ours go "
            f"{_DEPTH} levels deep)")


def _read_doc(doc: Any, raw: bytes, source: str, limits: ImportLimits) -> ExportRead:
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        return ExportRead(problems=[f"{source}: not a scopekeeper export"])
    from storage.engine.formats import SCHEMA_VERSION

    problems = [f"{source}: unknown field {_shown(key)}" for key in doc if key not in _FIELDS]
    for key, (kind, what, required) in _FIELDS.items():
        value = doc.get(key)
        if key not in doc:
            if required:
                problems.append(f"{source}: no {key!r}")
        elif not isinstance(value, kind) or isinstance(value, bool):
            problems.append(f"{source}: {key} is not {what} ({_shown(value)})")
    if problems:
        return ExportRead(problems=problems)
    if doc.get("version", 1) != 1:
        return ExportRead(problems=[f"{source}: export version {doc['version']} (this "
                                    "scopekeeper reads version 1); upgrade scopekeeper"])
    schema = doc["schema"]
    if schema > SCHEMA_VERSION:
        return ExportRead(problems=[f"{source}: made by a newer scopekeeper (schema {schema})"])
    if schema < 1:
        return ExportRead(problems=[f"{source}: schema is {schema}; it is from 1 to "
                                    f"{SCHEMA_VERSION}"])
    tables = doc["tables"]
    records = sum(len(t) for t in tables.values() if isinstance(t, list))
    if records > limits.rows:
        raise TooLarge(f"{source}: holds {records:,} records; an import reads at most "
                       f"{limits.rows:,} (split it into smaller files); nothing was imported")
    got = ExportRead()
    lines = record_lines(raw.decode("utf-8", errors="replace"))
    parts = {name: _table(name, cls, tables.get(name, []), lines.get(name, []), source, got,
                          limits.problems) for cls, name in TABLES.items()}
    unknown = sorted(set(tables) - set(TABLES.values()))
    got.problems += [f"{source}: unknown table {_shown(t)}" for t in unknown]
    got.agency = Agency(**{k: tuple(v) for k, v in parts.items()})
    return got


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _table(name: str, cls: type, items: Any, lines: list[int], source: str,
           got: ExportRead, most: int) -> list[Any]:
    """The good records of one table; each problem and each record's origin into ``got``
    (none once there are ``most`` problems: reading stops there)."""
    if len(got.problems) > most:
        return []
    if not isinstance(items, list):
        got.problems.append(f"{source}: {name}: not a list of records")
        return []
    records = []
    for n, item in enumerate(items, start=1):
        if len(got.problems) == most:
            got.problems.append(stopped(source, most))
            break
        where = f"{source}:{lines[n - 1]}" if n <= len(lines) else f"{source}: {name} #{n}"
        try:
            record: Any = decode(cls, item)
            _check_ids(record)
            validate(record)
        except (DecodeError, ValidationError) as e:
            got.problems.append(f"{where}: {name} #{n}: {e}")
            continue
        if record.id in got.origins:  # an import keyed by id would keep only one
            got.problems.append(f"{where}: {name} #{n}: id {record.id!r} is also the id of "
                                f"the record at {got.origins[record.id]}")
            continue
        got.origins[record.id] = where
        records.append(record)
    return records


def _check_ids(record: Any, prefix: str = "") -> None:
    """Every id, reference and key of ``record`` (and of the records it holds) is one."""
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        ids = value if f.name.endswith("_ids") else (value,)
        if f.name == "id" or f.name.endswith(("_id", "_ids")):
            for one in ids:
                if (one or f.name == "id") and not is_id(one):
                    raise DecodeError(f"{prefix}{f.name}: {_shown(one)} is not an id "
                                      f"({ID_RULE})")
        elif f.name.endswith("_key") and not is_key(value):
            raise DecodeError(f"{prefix}{f.name}: {_shown(value)} is not a key (ids "
                              "joined by ':')")
        elif dataclasses.is_dataclass(value):
            _check_ids(value, f"{prefix}{f.name}.")
        elif isinstance(value, tuple):
            for item in value:
                if dataclasses.is_dataclass(item):
                    _check_ids(item, f"{prefix}{f.name}.")


def record_lines(text: str) -> dict[str, list[int]]:
    """table -> the line each of its records starts on, for a document shaped like our
    export (``{..., "tables": {name: [record, ...]}}``); empty where it is not."""
    walk = _Walk(text)
    try:
        walk.members(lambda key: walk.members(walk.table) if key == "tables" else walk.skip())
    except (ValueError, IndexError):
        return {}
    return walk.found


class _Walk:
    """Steps through a JSON text with the standard decoder, noting where records start."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line, self.counted = text, 0, 1, 0
        self.decoder = json.JSONDecoder()
        self.found: dict[str, list[int]] = {}

    def at(self) -> str:
        """The next character that is not white space."""
        match = _SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos
        return self.text[self.pos]

    def skip(self, _: str = "") -> None:
        self.at()
        self.pos = self.decoder.raw_decode(self.text, self.pos)[1]

    def members(self, on_value: Callable[[str], None]) -> None:
        if self.at() != "{":
            raise ValueError("not an object")
        self.pos += 1
        while self.at() != "}":
            key, self.pos = self.decoder.raw_decode(self.text, self.pos)
            if self.at() != ":":
                raise ValueError("no colon")
            self.pos += 1
            on_value(key)
            if self.at() == ",":
                self.pos += 1
        self.pos += 1

    def table(self, name: str) -> None:
        if self.at() != "[":
            return self.skip()
        self.pos += 1
        while self.at() != "]":
            self.line += self.text.count("\n", self.counted, self.pos)
            self.counted = self.pos
            self.found.setdefault(name, []).append(self.line)
            self.skip()
            if self.at() == ",":
                self.pos += 1
        self.pos += 1
        return None
