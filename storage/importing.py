"""Importing a file into the agency's data: all of it in one save, or nothing.

The file is one of our JSON exports, a CSV of clients or of interactions, or a zip or a
directory of such CSVs (what ``export --format csv`` writes). Every problem is reported
with its line; if there is any, nothing is written. A full export into an empty data file
brings back exactly what was exported (same ids); anything else is planned by
:func:`tracker.imports.plan_import` (fresh ids, duplicate clients skipped or merged), and
every row it leaves out is named by FILE:LINE with the reason.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.errors import StorageError
from storage.ids import new_id
from storage.json_export import is_export, read_export
from storage.sheets import Intake, read_csv, sheet_kind
from storage.workspace import Workspace
from tracker.imports import Duplicates, ImportPlan, plan_import
from tracker.models import Agency


@dataclass
class ImportReport:
    problems: list[str] = field(default_factory=list)  # rows not understood: nothing written
    notes: list[str] = field(default_factory=list)  # columns and files not read, and why
    rows: int = 0
    plan: ImportPlan | None = None
    restored: int = 0  # records brought back as they were (full export into an empty file)
    written: bool = False


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise StorageError(f"{path}: cannot read: {e.strerror}") from None


def count_rows(path: Path) -> int:
    """About how many rows there are to read (for a progress bar)."""
    if path.is_dir():
        return sum(_read(p).count(b"\n") for p in sorted(path.glob("*.csv")) if p.is_file())
    return _read(path).count(b"\n")


def sheets(path: Path, raw: bytes, notes: list[str]) -> list[tuple[str, bytes]]:
    """The CSV files to read, clients before interactions (whatever their names), so that
    interactions can name a client of the same import: the file itself (``raw``), every
    .csv in a zip, or every .csv in a directory. What is not read is noted."""
    if path.is_dir():
        found = _in_folder(path, notes)
    elif zipfile.is_zipfile(io.BytesIO(raw)):
        found = _in_zip(path, raw, notes)
    else:
        return [(str(path), raw)]
    return sorted(found, key=lambda f: sheet_kind(f[1]) == "interactions")


def _in_folder(path: Path, notes: list[str]) -> list[tuple[str, bytes]]:
    try:
        entries = sorted(path.iterdir())
    except OSError as e:
        raise StorageError(f"{path}: cannot read: {e.strerror}") from None
    found = []
    for p in entries:
        if p.suffix.lower() != ".csv":
            notes.append(f"{p}: not a .csv file, not read")
        elif not p.is_file():
            raise StorageError(f"{p}: not a regular file")
        else:
            found.append((str(p), _read(p)))
    return found


def _in_zip(path: Path, raw: bytes, notes: list[str]) -> list[tuple[str, bytes]]:
    found = []
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            for name in sorted(z.namelist()):
                if name.endswith("/"):
                    continue
                if not name.lower().endswith(".csv"):
                    notes.append(f"{path}!{name}: not a .csv file, not read")
                    continue
                found.append((f"{path}!{name}", z.read(name)))
    # damaged, encrypted, or compressed in a way zipfile cannot read
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError,
            zlib.error) as e:
        raise StorageError(f"{path}: not a readable zip ({e})") from None
    return found


def import_file(ws: Workspace, path: Path, *, duplicates: Duplicates = "skip",
                dry_run: bool = False, tick: Callable[[int], None] | None = None,
                ) -> ImportReport:
    report = ImportReport()
    existing = ws.store.load_agency()
    raw = b"" if path.is_dir() else _read(path)
    if is_export(raw):
        got = read_export(raw, str(path))
        incoming, report.problems, origins = got.agency, got.problems, got.origins
        report.rows = sum(len(getattr(incoming, f)) for f in Agency.__dataclass_fields__)
        if report.problems:
            return report
        if ws.store.is_empty():
            report.restored = report.rows
            if not dry_run:
                ws.store.replace_all(incoming)
                ws.renew_digest()
                report.written = True
            return report
    else:
        incoming, origins = _read_sheets(ws, path, raw, existing, report, tick)
        if report.problems:
            return report
    report.plan = plan_import(existing, incoming, duplicates, new_id, origins)
    if not dry_run and report.plan.records:
        ws.act.save_all(report.plan.records)
        report.written = True
    return report


def _read_sheets(ws: Workspace, path: Path, raw: bytes, existing: Agency,
                 report: ImportReport, tick: Callable[[int], None] | None,
                 ) -> tuple[Agency, dict[str, str]]:
    clients: list[Any] = []
    interactions: list[Any] = []
    intake = Intake(existing)
    files = sheets(path, raw, report.notes)
    if not files:
        report.problems.append(f"{path}: no .csv file to import")
    for name, data in files:
        got = read_csv(data, name, ws.clock(), intake, tick)
        report.problems += got.problems
        report.notes += [f"{name}: column not used: {c}" for c in got.ignored]
        report.rows += got.rows
        clients += got.clients
        interactions += got.interactions
    return Agency(clients=tuple(clients), interactions=tuple(interactions)), intake.origins
