"""Importing a file into the agency's data: all of it in one save, or nothing.

The file is one of our JSON exports, a CSV of clients or of interactions, or a zip or a
directory of such CSVs (what ``export --format csv`` writes). Every problem is reported
with its line; if there is any, nothing is written. A full export into an empty data file
brings back exactly what was exported (same ids); anything else is planned by
:func:`tracker.imports.plan_import` (fresh ids, duplicate clients skipped or merged), and
every row it leaves out is named by FILE:LINE with the reason.

What is read is bounded (:mod:`storage.import_limits`): regular files only, the bytes of
every file together -- a zip's once uncompressed, by the sizes it declares before anything
is inflated and by counting while inflating, since those sizes can lie -- the number of
files, rows and JSON values, and the length of a cell.

It stays in storage/ beside ``exchange.py`` and ``sheets.py``: nearly all of it is reading
untrusted files within limits, which is storage's job (the rules it applies, the plan and
the row checks, are already in ``tracker.imports``); the write is one call to the person's
:class:`storage.actions.Actions` (or a replace of an empty store), never the workspace.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from storage.actions import Actions
from storage.errors import StorageError
from storage.ids import new_id
from storage.import_limits import LIMITS, ImportLimits, TooLarge, size, stopped
from storage.json_export import is_export, read_export
from storage.sheets import Intake, read_csv, sheet_kind
from tracker.imports import Duplicates, ImportPlan, plan_import
from tracker.models import Agency

#: How a zip may compress what it holds: what every spreadsheet and archiver writes.
#: (bzip2 and LZMA are refused: one read of theirs can inflate 4 KB into gigabytes.)
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_CHUNK = 1024 * 1024


@dataclass
class ImportReport:
    problems: list[str] = field(default_factory=list)  # rows not understood: nothing written
    notes: list[str] = field(default_factory=list)  # columns and files not read, and why
    rows: int = 0
    plan: ImportPlan | None = None
    restored: int = 0  # records brought back as they were (full export into an empty file)
    written: bool = False


@dataclass
class _Budget:
    """The bytes an import may still read (a zip's counted uncompressed)."""

    limit: int
    used: int = 0

    def take(self, where: str, n: int, what: str) -> None:
        """Count ``n`` more bytes read from ``where`` (see :meth:`check`)."""
        self.check(where, n, what)
        self.used += n

    def check(self, where: str, n: int, what: str) -> None:
        """Refuse if ``n`` more bytes from ``where`` go past the limit, saying ``what`` of
        ``where`` (``"holds 3 GB uncompressed"``) and, if need be, of all together."""
        if self.used + n > self.limit:
            together = f", {size(self.used + n)} with the files before it" if self.used else ""
            raise TooLarge(f"{where}: {what}{together}; an import reads at most "
                           f"{size(self.limit)} in all (split it into smaller files); "
                           "nothing was imported")

    @property
    def left(self) -> int:
        return max(self.limit - self.used, 0)


def _read(path: Path, budget: _Budget) -> bytes:
    """The bytes of the regular file ``path``, within ``budget`` (a FIFO would hang the
    import, a link to ``/dev/zero`` exhaust its memory: both refused before reading)."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (no effect on regular files)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as f:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise StorageError(f"{path}: not a regular file")
            budget.check(str(path), st.st_size, f"is {size(st.st_size)}")
            data = f.read(budget.left + 1)  # it may have grown since the look
    except OSError as e:
        raise StorageError(f"{path}: cannot read: {e.strerror}") from None
    budget.take(str(path), len(data), f"grew to {size(len(data))} while it was read")
    return data


def count_rows(path: Path, limits: ImportLimits = LIMITS) -> int:
    """About how many rows there are to read (for a progress bar; 0 if too many to read:
    the import itself says so)."""
    try:
        if path.is_dir():
            budget = _Budget(limits.bytes)
            return sum(_read(p, budget).count(b"\n") for p in sorted(path.glob("*.csv"))
                       if p.is_file())
        return _read(path, _Budget(limits.bytes)).count(b"\n")
    except StorageError:
        return 0


def sheets(path: Path, raw: bytes, notes: list[str],
           limits: ImportLimits = LIMITS) -> list[tuple[str, bytes]]:
    """The CSV files to read, clients before interactions (whatever their names), so that
    interactions can name a client of the same import: the file itself (``raw``), every
    .csv in a zip, or every .csv in a directory. What is not read is noted."""
    if path.is_dir():
        found = _in_folder(path, notes, limits)
    elif zipfile.is_zipfile(io.BytesIO(raw)):
        found = _in_zip(path, raw, notes, limits)
    else:
        return [(str(path), raw)]
    return sorted(found, key=lambda f: sheet_kind(f[1]) == "interactions")


def _too_many_files(where: Path, limits: ImportLimits) -> TooLarge:
    return TooLarge(f"{where}: holds more than {limits.files:,} files; an import reads at "
                    f"most {limits.files:,}; nothing was imported")


def _in_folder(path: Path, notes: list[str], limits: ImportLimits) -> list[tuple[str, bytes]]:
    try:
        entries = []
        for p in path.iterdir():
            entries.append(p)
            if len(entries) > limits.files:
                raise _too_many_files(path, limits)
    except OSError as e:
        raise StorageError(f"{path}: cannot read: {e.strerror}") from None
    budget = _Budget(limits.bytes)
    found = []
    for p in sorted(entries):
        if p.suffix.lower() != ".csv":
            notes.append(f"{p}: not a .csv file, not read")
        elif not p.is_file():
            raise StorageError(f"{p}: not a regular file")
        else:
            found.append((str(p), _read(p, budget)))
    return found


def _in_zip(path: Path, raw: bytes, notes: list[str], limits: ImportLimits,
            ) -> list[tuple[str, bytes]]:
    if raw.count(b"PK\x01\x02") > limits.files:  # before zipfile reads every entry's header
        raise _too_many_files(path, limits)
    found = []
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            wanted = []
            for info in sorted(z.infolist(), key=lambda i: i.filename):
                if info.is_dir():
                    continue
                if not info.filename.lower().endswith(".csv"):
                    notes.append(f"{path}!{info.filename}: not a .csv file, not read")
                elif info.compress_type not in _METHODS:
                    raise StorageError(f"{path}!{info.filename}: compressed in a way we do "
                                       "not read (only stored or deflated: save it as an "
                                       "ordinary zip)")
                else:
                    wanted.append(info)
            declared = _Budget(limits.bytes)  # the sizes it says, before inflating anything
            for info in wanted:
                declared.take(f"{path}!{info.filename}", info.file_size,
                              f"holds {size(info.file_size)} uncompressed")
            budget = _Budget(limits.bytes)  # what inflating really gives (sizes can lie)
            for info in wanted:
                where = f"{path}!{info.filename}"
                with z.open(info) as f:  # within the declared size, or it lies
                    found.append((where, _inflate(f, where, budget, "inflates to more than "
                                                  f"the {size(info.file_size)} it declares")))
    # damaged, encrypted, or compressed in a way zipfile cannot read
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError,
            zlib.error) as e:
        raise StorageError(f"{path}: not a readable zip ({e})") from None
    return found


def _inflate(f: IO[bytes], where: str, budget: _Budget, what: str) -> bytes:
    """What ``f`` gives, read a chunk at a time (never all at once: a deflated stream
    inflates a thousandfold) and counted against ``budget`` as read."""
    chunks = []
    while chunk := f.read(min(_CHUNK, budget.left + 1)):
        budget.take(where, len(chunk), what)
        chunks.append(chunk)
    return b"".join(chunks)


def import_file(act: Actions, path: Path, *, duplicates: Duplicates = "skip",
                dry_run: bool = False, tick: Callable[[int], None] | None = None,
                limits: ImportLimits = LIMITS) -> ImportReport:
    report = ImportReport()
    raw = b"" if path.is_dir() else _read(path, _Budget(limits.bytes))
    existing = act.store.load_agency()
    if is_export(raw):
        got = read_export(raw, str(path), limits)
        incoming, report.problems, origins = got.agency, got.problems, got.origins
        report.rows = sum(len(getattr(incoming, f)) for f in Agency.__dataclass_fields__)
        if report.problems:
            return report
        if act.store.is_empty():
            report.restored = report.rows
            if not dry_run:
                act.store.replace_all(incoming, source="import")
                report.written = True
            return report
    else:
        incoming, origins = _read_sheets(act, path, raw, existing, report, tick, limits)
        if report.problems:
            return report
    report.plan = plan_import(existing, incoming, duplicates, new_id, origins)
    if not dry_run and report.plan.records:
        act.save_all(report.plan.records)
        report.written = True
    return report


def _read_sheets(act: Actions, path: Path, raw: bytes, existing: Agency,
                 report: ImportReport, tick: Callable[[int], None] | None,
                 limits: ImportLimits) -> tuple[Agency, dict[str, str]]:
    clients: list[Any] = []
    interactions: list[Any] = []
    intake = Intake(existing, limits)
    files = sheets(path, raw, report.notes, limits)
    if not files:
        report.problems.append(f"{path}: no .csv file to import")
    for name, data in files:
        if len(report.problems) >= limits.problems:
            report.problems.append(stopped(str(path), limits.problems))
            break
        got = read_csv(data, name, act.today(), intake, tick)
        report.problems += got.problems
        report.notes += [f"{name}: column not used: {c}" for c in got.ignored]
        report.rows += got.rows
        clients += got.clients
        interactions += got.interactions
    return Agency(clients=tuple(clients), interactions=tuple(interactions)), intake.origins
