"""Our records as spreadsheets and calendars: CSV of clients and interactions (written
here, with the columns and cell readers an import matches forgivingly; read by
:mod:`storage.sheets`), and an iCalendar file of what is coming. The full JSON export is
:mod:`storage.json_export`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from storage.csv_rows import write_csv
from tracker.dates import DateParseError, Sense, parse_day
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


def _client(cell: Callable[[str], str], exact: Callable[[str], str], today: date, line: int,
            record_id: str) -> Client:
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
    contact = Contact(id=f"in_con_{line}", name=exact("contact"), title=exact("title"),
                      email=exact("email"), phone=exact("phone")) if cell("contact") else None
    client = Client(id=record_id, name=exact("name"), status=status,
                    fee_cents=fee, currency=cur.code,
                    start_date=day("start"), location=exact("location"),
                    remote=yes("remote", False), primary_contact=contact,
                    channel_url=exact("channel"), comm_rules=exact("rules"),
                    cadence=cadence)
    validate(client)
    return client


def _interaction(cell: Callable[[str], str], exact: Callable[[str], str], today: date,
                 owner: Callable[[str, str], str], record_id: str) -> Interaction:
    client_id = owner(cell("client_id"), exact("client"))
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
    record = Interaction(id=record_id, client_id=client_id, kind=kind, on=on,
                         author=exact("author"), notes=exact("note"))
    validate(record)
    return record


CLIENT_HEADER = ["id", "name", "status", "fee", "currency", "start date", "location", "remote",
                 "contact", "contact title", "email", "phone", "channel", "rules",
                 "status calls", "monthly report", "min contact days", "visit min days",
                 "visit max days"]
INTERACTION_HEADER = ["id", "client", "client id", "kind", "date", "note", "author"]


def _amount(cents: int) -> Decimal | str:
    """Cents as a plain amount, exactly (a float would round a large fee); a number, so
    that it is written as one (``-1200.50`` is an amount, not a formula)."""
    return Decimal(cents).scaleb(-2) if cents else ""


def export_csv(agency: Agency) -> dict[str, bytes]:
    """``clients.csv`` and ``interactions.csv``: RFC 4180, UTF-8, a header row, every cell
    quoted (line breaks stay in their cell). Per column: the fee and the day counts are
    numbers, written as numbers; every other column is text, without control characters
    and guarded against formulas (see :mod:`storage.csv_rows`). What a CSV of these
    columns cannot hold is listed in the README: a client's other contacts, the ids (an
    import gives fresh ones), the revisions, and every other table (the JSON export holds
    everything)."""
    clients = []
    for c in agency.clients:
        p = c.primary_contact
        clients.append([
            c.id, c.name, c.status.value, _amount(c.fee_cents), c.currency,
            c.start_date.isoformat(), c.location, "yes" if c.remote else "no",
            p.name if p else "", p.title if p else "", p.email if p else "",
            p.phone if p else "", c.channel_url, c.comm_rules, c.cadence.status_call.value,
            "yes" if c.cadence.monthly_report else "no", c.cadence.min_contact_days,
            c.cadence.visit_min_days, c.cadence.visit_max_days])
    names = {c.id: c.name for c in agency.clients}
    log = [[i.id, names.get(i.client_id, ""), i.client_id, i.kind.value, i.on.isoformat(),
            i.notes, i.author] for i in agency.interactions]
    return {"clients.csv": write_csv(CLIENT_HEADER, clients),
            "interactions.csv": write_csv(INTERACTION_HEADER, log)}


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


# --- iCalendar (RFC 5545) ----------------------------------------------------------------

#: Left out of every value: the control characters RFC 5545 does not allow in TEXT (tab is
#: allowed; a line break is written as ``\n``), DEL, and the C1 controls.
_ICS_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_ICS_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def ics_text(value: str) -> str:
    r"""``value`` as an iCalendar TEXT value (RFC 5545 3.3.11), on one line whatever it
    holds: a line break (CRLF, CR or LF) is ``\n``; ``\``, ``;`` and ``,`` are escaped;
    other control characters are left out."""
    text = _ICS_CONTROLS.sub(lambda m: "\n" if m.group() in "\r\n" else "",
                             value.replace("\r\n", "\n"))
    return text.translate(_ICS_ESCAPES)


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
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{ics_text(name)}"]
    for e in events:  # every value from the data is TEXT, escaped; the rest we make
        lines += ["BEGIN:VEVENT", f"UID:{ics_text(e.uid)}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{e.start:%Y%m%d}", f"DTEND;VALUE=DATE:{e.end:%Y%m%d}",
                  f"SUMMARY:{ics_text(e.summary)}",
                  f"DESCRIPTION:{ics_text(e.description)}",
                  f"CATEGORIES:{ics_text(e.kind.replace('_', ' '))}", "TRANSP:TRANSPARENT",
                  "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)
