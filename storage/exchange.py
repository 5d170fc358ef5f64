"""Our records in other people's formats: a full JSON export, and CSV spreadsheets of
clients and interactions (written and read back; headers are matched forgivingly).

Reading never writes: it returns the records found and every problem, each with its line
number and reason, so that an import can be all or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from storage.codecs import DecodeError, decode, encode
from storage.tables import TABLES
from tracker.dates import DateParseError, Sense, parse_day
from tracker.errors import ValidationError
from tracker.imports import name_key
from tracker.models import (
    Agency,
    CadenceSettings,
    CallFrequency,
    Client,
    ClientStatus,
    Contact,
    Interaction,
    InteractionKind,
)
from tracker.money import MoneyError, currency, parse_money
from tracker.validation import validate

EXPORT_FORMAT = "scopekeeper-export"

# --- JSON: everything ---------------------------------------------------------------------


def export_json(agency: Agency, exported: str) -> bytes:
    from storage.database import SCHEMA_VERSION

    doc = {"format": EXPORT_FORMAT, "version": 1, "schema": SCHEMA_VERSION,
           "exported": exported,
           "tables": {name: [encode(r) for r in getattr(agency, name)]
                      for name in TABLES.values()}}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def is_export(raw: bytes) -> bool:
    return raw.lstrip()[:1] == b"{" and EXPORT_FORMAT.encode() in raw[:200]


def read_export(raw: bytes, source: str) -> tuple[Agency, list[str]]:
    """The agency in one of our JSON exports, and what is wrong with it (if anything)."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        return Agency(), [f"{source}: not valid JSON ({e})"]
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        return Agency(), [f"{source}: not a scopekeeper export"]
    from storage.database import SCHEMA_VERSION

    if doc.get("schema", 0) > SCHEMA_VERSION:
        return Agency(), [f"{source}: made by a newer scopekeeper (schema {doc.get('schema')})"]
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return Agency(), [f"{source}: no tables"]
    problems: list[str] = []
    parts: dict[str, list[Any]] = {}
    for cls, name in TABLES.items():
        for n, item in enumerate(tables.get(name) or [], start=1):
            try:
                record: Any = decode(cls, item)
                validate(record)
            except (DecodeError, ValidationError) as e:
                problems.append(f"{source}: {name} #{n}: {e}")
                continue
            parts.setdefault(name, []).append(record)
    unknown = sorted(set(tables) - set(TABLES.values()))
    problems += [f"{source}: unknown table {t!r}" for t in unknown]
    return Agency(**{k: tuple(v) for k, v in parts.items()}), problems


# --- CSV: clients and interactions -------------------------------------------------------

CLIENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "client id"),
    "name": ("name", "client", "client name", "company", "account"),
    "status": ("status",),
    "fee": ("fee", "monthly fee", "retainer", "fee per month"),
    "currency": ("currency",),
    "start": ("start date", "start", "since", "client since", "started"),
    "location": ("location", "city"),
    "remote": ("remote",),
    "contact": ("contact", "main contact", "primary contact", "contact name"),
    "title": ("contact title", "title", "role"),
    "email": ("email", "contact email", "e mail"),
    "phone": ("phone", "contact phone", "telephone"),
    "channel": ("channel", "dedicated channel", "slack", "channel url", "channel link"),
    "rules": ("rules", "house rules", "communication rules"),
    "calls": ("status calls", "status call", "calls", "call frequency"),
    "report": ("monthly report", "report"),
    "contact_days": ("min contact days", "minimum contact days", "contact every days"),
    "visit_min": ("visit min days", "visit due after days"),
    "visit_max": ("visit max days", "visit overdue after days"),
}
INTERACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "interaction id"),
    "client": ("client", "client name", "company", "account"),
    "client_id": ("client id",),
    "kind": ("kind", "type", "interaction"),
    "on": ("date", "on", "when", "day"),
    "note": ("note", "notes", "summary"),
    "author": ("author", "by", "who"),
}
FREQUENCIES = {"weekly": CallFrequency.WEEKLY, "every week": CallFrequency.WEEKLY,
               "biweekly": CallFrequency.BIWEEKLY, "every two weeks": CallFrequency.BIWEEKLY,
               "fortnightly": CallFrequency.BIWEEKLY, "monthly": CallFrequency.MONTHLY,
               "none": CallFrequency.NONE, "no": CallFrequency.NONE, "": CallFrequency.WEEKLY}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


def _header(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").replace("(", " ")
                    .replace(")", " ").split()).casefold()


class _Bad(ValueError):
    pass


@dataclass
class CsvResult:
    kind: str  # "clients" or "interactions"
    clients: list[Client] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns we do not know
    rows: int = 0


def _columns(header: list[str], known: dict[str, tuple[str, ...]]) -> tuple[dict[str, int],
                                                                            list[str]]:
    where: dict[str, int] = {}
    ignored = []
    for n, raw in enumerate(header):
        name = _header(raw)
        key = next((k for k, names in known.items() if name in names), None)
        if key is None or key in where:
            if raw.strip():
                ignored.append(raw.strip())
            continue
        where[key] = n
    return where, ignored


def _decode_text(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Bad(f"{source}: not UTF-8 text (save the sheet as 'CSV UTF-8')") from None


def read_csv(raw: bytes, source: str, today: date, existing: Agency,
             clients_in_import: dict[str, str] | None = None,
             tick: Callable[[int], None] | None = None) -> CsvResult:
    """Clients or interactions (told apart by their columns) from one CSV file."""
    try:
        text = _decode_text(raw, source)
    except _Bad as e:
        return CsvResult(kind="?", problems=[str(e)])
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        return CsvResult(kind="?", problems=[f"{source}: empty file"])
    names = {_header(h) for h in header}
    is_log = bool(names & set(INTERACTION_COLUMNS["kind"]))
    result = CsvResult(kind="interactions" if is_log else "clients")
    known = INTERACTION_COLUMNS if is_log else CLIENT_COLUMNS
    where, result.ignored = _columns(header, known)
    need = ("kind", "on") if is_log else ("name",)
    missing = [k for k in need if k not in where]
    if is_log and "client" not in where and "client_id" not in where:
        missing.append("client")
    if missing:
        result.problems.append(f"{source}:1: no column for {', '.join(missing)} (have: "
                               f"{', '.join(h.strip() for h in header)})")
        return result
    ours = {name_key(c.name): c.id for c in existing.clients} | (clients_in_import or {})
    known_ids = {c.id for c in existing.clients} | set((clients_in_import or {}).values())
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if tick is not None:
            tick(1)

        def cell(key: str, row: list[str] = row) -> str:
            n = where.get(key)
            return row[n].strip() if n is not None and n < len(row) else ""

        try:
            if is_log:
                result.interactions.append(_interaction(cell, today, ours, known_ids, line))
            else:
                result.clients.append(_client(cell, today, line))
        except _Bad as e:
            result.problems.append(f"{source}:{line}: {e}")
        except ValidationError as e:
            result.problems.append(f"{source}:{line}: {e}")
    return result


def _client(cell: Callable[[str], str], today: date, line: int) -> Client:
    def day(key: str) -> date:
        text = cell(key)
        try:
            return parse_day(text, today) if text else today
        except DateParseError as e:
            raise _Bad(f"{key}: {e}") from None

    def whole(key: str, default: int) -> int:
        text = cell(key)
        try:
            return int(text) if text else default
        except ValueError:
            raise _Bad(f"{key}: not a whole number: {text!r}") from None

    def yes(key: str, default: bool) -> bool:
        text = cell(key).casefold()
        if not text:
            return default
        if text in YES or text in NO:
            return text in YES
        raise _Bad(f"{key}: say yes or no (got {cell(key)!r})")

    code = (cell("currency") or "USD").upper()
    try:
        cur = currency(code)  # the fee is read in the row's own currency
    except MoneyError:
        raise _Bad(f"currency: a 3-letter code like USD (got {cell('currency')!r})") from None
    try:
        fee = parse_money(cell("fee"), cur.code) if cell("fee") else 0
    except MoneyError as e:
        raise _Bad(f"fee: {e}") from None
    status_text = cell("status").casefold() or "active"
    try:
        status = ClientStatus(status_text)
    except ValueError:
        raise _Bad(f"status: one of {', '.join(s.value for s in ClientStatus)} "
                   f"(got {cell('status')!r})") from None
    calls = cell("calls").casefold()
    if calls not in FREQUENCIES:
        raise _Bad(f"status calls: weekly, biweekly, monthly or none (got {cell('calls')!r})")
    defaults = CadenceSettings()
    cadence = CadenceSettings(
        status_call=FREQUENCIES[calls], monthly_report=yes("report", True),
        min_contact_days=whole("contact_days", defaults.min_contact_days),
        visit_min_days=whole("visit_min", defaults.visit_min_days),
        visit_max_days=whole("visit_max", defaults.visit_max_days))
    contact = Contact(id=f"in_con_{line}", name=cell("contact"), title=cell("title"),
                      email=cell("email"), phone=cell("phone")) if cell("contact") else None
    client = Client(id=cell("id") or f"in_cli_{line}", name=cell("name"), status=status,
                    fee_cents=fee, currency=cur.code,
                    start_date=day("start"), location=cell("location"),
                    remote=yes("remote", False), primary_contact=contact,
                    channel_url=cell("channel"), comm_rules=cell("rules").replace("\\n", "\n"),
                    cadence=cadence)
    validate(client)
    return client


def _interaction(cell: Callable[[str], str], today: date, ours: dict[str, str],
                 known_ids: set[str], line: int) -> Interaction:
    client_id = cell("client_id") if cell("client_id") in known_ids else ours.get(
        name_key(cell("client")))
    if client_id is None:
        raise _Bad(f"client: no client named {cell('client') or cell('client_id')!r}")
    kind_text = cell("kind").casefold().replace("-", "_").replace(" ", "_")
    kind = next((k for k in InteractionKind
                 if kind_text in (k.value, k.label.replace(" ", "_").replace("-", "_"))), None)
    if kind is None:
        raise _Bad(f"kind: one of {', '.join(k.value for k in InteractionKind)} "
                   f"(got {cell('kind')!r})")
    try:  # something that happened: not in the future
        on = parse_day(cell("on"), today, Sense.PAST)
    except DateParseError as e:
        raise _Bad(f"date: {e}") from None
    record = Interaction(id=cell("id") or f"in_int_{line}", client_id=client_id, kind=kind,
                         on=on, author=cell("author"), notes=cell("note").replace("\\n", "\n"))
    validate(record)
    return record


CLIENT_HEADER = ["id", "name", "status", "fee", "currency", "start date", "location", "remote",
                 "contact", "contact title", "email", "phone", "channel", "rules",
                 "status calls", "monthly report", "min contact days", "visit min days",
                 "visit max days"]
INTERACTION_HEADER = ["id", "client", "client id", "kind", "date", "note", "author"]


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", "\\n")


def export_csv(agency: Agency) -> dict[str, bytes]:
    """``clients.csv`` and ``interactions.csv`` (UTF-8, with a header row)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CLIENT_HEADER)
    for c in agency.clients:
        p = c.primary_contact
        w.writerow([c.id, c.name, c.status.value,
                    f"{c.fee_cents / 100:.2f}" if c.fee_cents else "",
                    c.currency, c.start_date.isoformat(), c.location,
                    "yes" if c.remote else "no", p.name if p else "", p.title if p else "",
                    p.email if p else "", p.phone if p else "", c.channel_url,
                    _one_line(c.comm_rules), c.cadence.status_call.value,
                    "yes" if c.cadence.monthly_report else "no", c.cadence.min_contact_days,
                    c.cadence.visit_min_days, c.cadence.visit_max_days])
    names = {c.id: c.name for c in agency.clients}
    log = io.StringIO()
    w = csv.writer(log, lineterminator="\n")
    w.writerow(INTERACTION_HEADER)
    for i in agency.interactions:
        w.writerow([i.id, names.get(i.client_id, ""), i.client_id, i.kind.value,
                    i.on.isoformat(), _one_line(i.notes), i.author])
    return {"clients.csv": out.getvalue().encode("utf-8"),
            "interactions.csv": log.getvalue().encode("utf-8")}


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def files_in(path: Path, raw: bytes) -> Iterator[tuple[str, bytes]]:
    """The CSV files to read: the file itself, or every .csv in a zip (clients first)."""
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        yield str(path), raw
        return
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        names = sorted((n for n in z.namelist() if n.lower().endswith(".csv")),
                       key=lambda n: ("interaction" in n.lower(), n))
        for name in names:
            yield f"{path}!{name}", z.read(name)


# --- iCalendar (RFC 5545) ----------------------------------------------------------------

def _ics_text(value: str) -> str:
    from tracker.text import clean_text

    text = clean_text(value).replace("\r", "")
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> bytes:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    raw = line.encode("utf-8")
    parts, start, limit = [], 0, 75
    while len(raw) - start > limit:
        cut = start + limit
        while cut > start and (raw[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        parts.append(raw[start:cut])
        start, limit = cut, 74  # the leading space counts
    parts.append(raw[start:])
    return b"\r\n ".join(parts) + b"\r\n"


def export_ics(events: list[Any], stamp: str, name: str = "scopekeeper") -> bytes:
    """``stamp``: the export time, UTC, as ``YYYYMMDDTHHMMSSZ``."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//scopekeeper//agency calendar//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(name)}"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{e.start:%Y%m%d}", f"DTEND;VALUE=DATE:{e.end:%Y%m%d}",
                  f"SUMMARY:{_ics_text(e.summary)}",
                  f"DESCRIPTION:{_ics_text(e.description)}",
                  f"CATEGORIES:{_ics_text(e.kind.replace('_', ' '))}", "TRANSP:TRANSPARENT",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)
