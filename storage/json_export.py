"""Our full export: every table as JSON, read back with the line each record starts on, so
that whatever an import leaves out can be named by FILE:LINE like a CSV row."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from storage.codecs import DecodeError, decode, encode
from storage.tables import TABLES
from tracker.errors import ValidationError
from tracker.models import Agency
from tracker.text import escape_unsafe_json
from tracker.validation import validate

EXPORT_FORMAT = "scopekeeper-export"
_SPACE = re.compile(r"[ \t\n\r]*")


def export_json(agency: Agency, exported: str) -> bytes:
    from storage.database import SCHEMA_VERSION

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


def read_export(raw: bytes, source: str) -> ExportRead:
    """The agency in one of our JSON exports, where each record is, and what is wrong."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        return ExportRead(problems=[f"{source}: not valid JSON ({e})"])
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        return ExportRead(problems=[f"{source}: not a scopekeeper export"])
    from storage.database import SCHEMA_VERSION

    schema = doc.get("schema", 0)
    if not isinstance(schema, int) or isinstance(schema, bool):
        return ExportRead(problems=[f"{source}: schema is not a number ({schema!r})"])
    if schema > SCHEMA_VERSION:
        return ExportRead(problems=[f"{source}: made by a newer scopekeeper (schema {schema})"])
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return ExportRead(problems=[f"{source}: no tables"])
    got = ExportRead()
    lines = record_lines(raw.decode("utf-8", errors="replace"))
    parts = {name: _table(name, cls, tables.get(name) or [], lines.get(name, []), source, got)
             for cls, name in TABLES.items()}
    unknown = sorted(set(tables) - set(TABLES.values()))
    got.problems += [f"{source}: unknown table {t!r}" for t in unknown]
    got.agency = Agency(**{k: tuple(v) for k, v in parts.items()})
    return got


def _table(name: str, cls: type, items: Any, lines: list[int], source: str,
           got: ExportRead) -> list[Any]:
    """The good records of one table; each problem and each record's origin into ``got``."""
    if not isinstance(items, list):
        got.problems.append(f"{source}: {name}: not a list of records")
        return []
    records = []
    for n, item in enumerate(items, start=1):
        where = f"{source}:{lines[n - 1]}" if n <= len(lines) else f"{source}: {name} #{n}"
        try:
            record: Any = decode(cls, item)
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
