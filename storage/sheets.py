"""Reading CSV files of clients or interactions into records, for an import.

Each record gets an id of this import and its FILE:LINE; rows of interactions find their
client by the client id the file gives (our export has one), else by name. Reading never
writes: it returns the records and every problem, each with its line and reason, so that
an import can be all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from storage.csv_rows import CsvError, Row, read_rows, unguard
from storage.exchange import (
    CLIENT_COLUMNS,
    INTERACTION_COLUMNS,
    _Bad,
    _client,
    _columns,
    _header,
    _interaction,
)
from storage.ids import ID_RULE, is_id
from storage.import_limits import LIMITS, ImportLimits, TooLarge, stopped
from tracker.errors import ValidationError
from tracker.imports import name_key
from tracker.models import Agency, Client, Interaction


@dataclass
class CsvResult:
    kind: str  # "clients" or "interactions"
    clients: list[Client] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns we do not know
    rows: int = 0


def _decode_text(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Bad(f"{source}: not UTF-8 text (save the sheet as 'CSV UTF-8')") from None


@dataclass
class Intake:
    """What one import has read so far: where each record came from (FILE:LINE, by the id
    it has in this import), and the clients that rows of a later file refer to -- by the
    id the file gives them, else by name."""

    existing: Agency
    limits: ImportLimits = LIMITS
    rows: int = 0  # records read so far, in every file
    origins: dict[str, str] = field(default_factory=dict)
    file_ids: dict[str, str] = field(default_factory=dict)  # client id in the file -> ours
    names: dict[str, list[str]] = field(default_factory=dict)  # name key -> ids read

    def __post_init__(self) -> None:
        self.ours = {c.id for c in self.existing.clients}
        self.our_names: dict[str, list[str]] = {}
        for c in self.existing.clients:
            self.our_names.setdefault(name_key(c.name), []).append(c.id)

    def new_id(self, where: str) -> str:
        """An id for a record of this import (never one of the data's own ids)."""
        record_id = f"~{len(self.origins) + 1}"
        self.origins[record_id] = where
        return record_id

    def count(self, source: str, line: int) -> None:
        """One more record read; refused past the limit of rows."""
        self.rows += 1
        if self.rows > self.limits.rows:
            raise TooLarge(f"{source}:{line}: more than {self.limits.rows:,} rows; an import "
                           f"reads at most {self.limits.rows:,} (split it into smaller "
                           "files); nothing was imported")

    def client_read(self, record_id: str, file_id: str, name: str) -> None:
        self.names.setdefault(name_key(name), []).append(record_id)
        file_id = _file_id(file_id, "id")
        if not file_id:
            return
        if file_id in self.file_ids:
            raise _Bad(f"id: {file_id!r} is also the id of the client at "
                       f"{self.origins[self.file_ids[file_id]]}")
        self.file_ids[file_id] = record_id

    def owner(self, file_id: str, name: str) -> str:
        """The client an interaction row belongs to: by its client id where it has one
        (a client of this import, or of the data), else by its name."""
        file_id = _file_id(file_id, "client id")
        if file_id:
            if file_id in self.file_ids:
                return self.file_ids[file_id]
            if file_id in self.ours:
                return file_id
            raise _Bad(f"client id: no client {file_id!r} in this import or in the data")
        key = name_key(name)
        if not key:
            raise _Bad("client: is required (a name or a client id)")
        found = self.names.get(key) or self.our_names.get(key, [])
        if not found:
            raise _Bad(f"client: no client named {name!r}")
        if len(found) > 1:
            at = ", ".join(self.origins.get(i, f"{i} in the data") for i in found)
            raise _Bad(f"client: {len(found)} clients are named {name!r} ({at}); add a "
                       "'client id' column to say which")
        return found[0]


def _file_id(cell: str, column: str) -> str:
    """The id in a cell of ``column`` (our guard taken off), or "" where it is empty;
    refused if it is not an id (see :mod:`storage.ids`)."""
    file_id = unguard(cell)
    if file_id and not is_id(file_id):
        raise _Bad(f"{column}: {file_id!r} is not an id ({ID_RULE}); correct it, or leave "
                   "the column out to link interactions to clients by name")
    return file_id


def _cells(row: Row, where: dict[str, int]) -> tuple[Callable[[str], str],
                                                     Callable[[str], str]]:
    """Two readers of a row's cells: trimmed (numbers, dates, codes), and text as written
    (a quoted cell exactly, an unquoted one trimmed; our formula guard taken off)."""
    width = len(row.cells)

    def cell(key: str) -> str:
        n = where.get(key, width)
        return row.cells[n].strip() if n < width else ""

    def exact(key: str) -> str:
        n = where.get(key, width)
        if n >= width:
            return ""
        return unguard(row.cells[n] if row.quoted[n] else row.cells[n].strip())

    return cell, exact


def _is_log(header: list[str]) -> bool:
    """A sheet of interactions has a column of kinds; any other is a sheet of clients."""
    return bool({_header(h) for h in header} & set(INTERACTION_COLUMNS["kind"]))


def _header_of(text: str, max_cell: int) -> list[str] | None:
    head = next(read_rows(text, max_cell), None)
    return None if head is None else list(head.cells)


def sheet_kind(raw: bytes) -> str:
    """``"interactions"`` or ``"clients"``, by the columns of the header (``"?"``: none)."""
    try:
        header = _header_of(raw.decode("utf-8-sig"), LIMITS.cell)
    except (UnicodeDecodeError, CsvError):
        return "?"
    return "?" if header is None else "interactions" if _is_log(header) else "clients"


def read_csv(raw: bytes, source: str, today: date, intake: Intake,
             tick: Callable[[int], None] | None = None) -> CsvResult:
    """Clients or interactions (told apart by their columns) from one CSV file."""
    max_cell = intake.limits.cell
    try:
        text = _decode_text(raw, source)
        header = _header_of(text, max_cell)
    except _Bad as e:
        return CsvResult(kind="?", problems=[str(e)])
    except CsvError as e:
        return CsvResult(kind="?", problems=[f"{source}:{e.line}: {e}"])
    if header is None:
        return CsvResult(kind="?", problems=[f"{source}: empty file"])
    is_log = _is_log(header)
    result = CsvResult(kind="interactions" if is_log else "clients")
    where, result.ignored = _columns(header, INTERACTION_COLUMNS if is_log else CLIENT_COLUMNS)
    missing = [k for k in (("kind", "on") if is_log else ("name",)) if k not in where]
    if is_log and "client" not in where and "client_id" not in where:
        missing.append("client")
    if missing:
        result.problems.append(f"{source}:1: no column for {', '.join(missing)} (have: "
                               f"{', '.join(h.strip() for h in header)})")
        return result
    rows = read_rows(text, max_cell)
    next(rows)  # the header
    try:
        for row in rows:
            if len(result.problems) == intake.limits.problems:
                result.problems.append(stopped(source, intake.limits.problems))
                break
            if not any(c.strip() for c in row.cells):
                continue  # a blank line holds no record
            result.rows += 1
            intake.count(source, row.line)
            if tick is not None:
                tick(1)
            try:
                _read_row(row, len(header), where, result, today, intake, source)
            except (_Bad, ValidationError) as e:
                result.problems.append(f"{source}:{row.line}: {e}")
    except CsvError as e:
        result.problems.append(f"{source}:{e.line}: {e}; nothing after it was read")
    return result


def _read_row(row: Row, width: int, where: dict[str, int], result: CsvResult, today: date,
              intake: Intake, source: str) -> None:
    extra = sum(1 for c in row.cells[width:] if c.strip())
    if extra:
        raise _Bad(f"{width + extra} or more cells, but the header names {width} columns "
                   "(a cell holding the separator needs double quotes)")
    cell, exact = _cells(row, where)
    record_id = intake.new_id(f"{source}:{row.line}")
    if result.kind == "interactions":
        result.interactions.append(_interaction(cell, exact, today, intake.owner,
                                                             record_id))
    else:
        intake.client_read(record_id, cell("id"), exact("name"))
        result.clients.append(_client(cell, exact, today, row.line, record_id))
