"""Importing a file into the agency's data: all of it in one save, or nothing.

The file is one of our JSON exports, a CSV of clients or of interactions, or a zip of such
CSVs (our CSV export). Every problem is reported with its line; if there is any, nothing
is written. A full export into an empty data file brings back exactly what was exported
(same ids); anything else is planned by :func:`tracker.imports.plan_import` (fresh ids,
duplicate clients skipped or merged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.errors import StorageError
from storage.exchange import files_in, is_export, read_csv, read_export
from storage.ids import new_id
from storage.workspace import Workspace
from tracker.imports import Duplicates, ImportPlan, name_key, plan_import
from tracker.models import Agency


@dataclass
class ImportReport:
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns not understood
    rows: int = 0
    plan: ImportPlan | None = None
    restored: int = 0  # records brought back as they were (full export into an empty file)
    written: bool = False


def count_rows(raw: bytes) -> int:
    return raw.count(b"\n")


def import_file(ws: Workspace, path: Path, *, duplicates: Duplicates = "skip",
                dry_run: bool = False, tick: Callable[[int], None] | None = None,
                ) -> ImportReport:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise StorageError(f"{path}: cannot read: {e.strerror}") from None
    report = ImportReport()
    existing = ws.store.load_agency()
    if is_export(raw):
        incoming, report.problems = read_export(raw, str(path))
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
        clients: list[Any] = []
        interactions: list[Any] = []
        in_import: dict[str, str] = {}
        for name, data in files_in(path, raw):
            got = read_csv(data, name, ws.clock(), existing, in_import, tick)
            report.problems += got.problems
            report.ignored += [f"{name}: {c}" for c in got.ignored]
            report.rows += got.rows
            clients += got.clients
            interactions += got.interactions
            in_import.update({name_key(c.name): c.id for c in got.clients})
        if report.problems:
            return report
        incoming = Agency(clients=tuple(clients), interactions=tuple(interactions))
    report.plan = plan_import(existing, incoming, duplicates, new_id)
    if not dry_run and report.plan.records:
        ws.act.save_all(report.plan.records)
        report.written = True
    return report
