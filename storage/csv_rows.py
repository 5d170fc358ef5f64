"""CSV as RFC 4180 describes it: read with one stated rule (never guessed per file), and
written so that a spreadsheet cannot run what it holds.

Reading. Cells are separated by commas, or by semicolons when the first line (the header)
has more semicolons than commas outside quotes, as spreadsheets in many European locales
save it. A cell in double quotes may hold commas, semicolons, line breaks and quotes
(doubled: ``""``); text after a closing quote is an error, never guessed at. Records end
at LF or CRLF (a file with no LF at all uses CR, as old Mac spreadsheets did). Each record
keeps the line it starts on, and each cell whether it was quoted: a quoted cell is text
exactly as written, an unquoted one is trimmed by whoever reads it.

Writing. Every cell is quoted. A cell a spreadsheet would run as a formula (one starting
with ``= + - @``, tab or CR) gets a leading apostrophe, and so does one that already
starts with an apostrophe followed by one of those or by another apostrophe: reading
removes an apostrophe only in those two cases, so :func:`unguard` undoes :func:`guard`
exactly, whatever the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

RISKY = frozenset("=+-@\t\r")
_GUARDED = RISKY | {"'"}
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


class CsvError(ValueError):
    """A record that cannot be read without guessing; ``line`` is where it starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class Cell:
    text: str  # as written between the separators (quotes removed, nothing trimmed)
    quoted: bool


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # the line the record starts on (1 is the header)
    cells: tuple[Cell, ...]


def guard(text: str) -> str:
    """The cell to write for ``text``: a spreadsheet shows it as text, never runs it."""
    if text[:1] in RISKY or (text[:1] == "'" and text[1:2] in _GUARDED):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """The text a cell written by :func:`guard` came from (other cells are left alone)."""
    return text[1:] if text[:1] == "'" and text[1:2] in _GUARDED else text


def write_csv(header: Iterable[str], rows: Iterable[Iterable[str | int]]) -> bytes:
    """RFC 4180, UTF-8, CRLF between records, every cell quoted and guarded."""

    def record(cells: Iterable[str | int]) -> str:
        return ",".join('"' + guard(str(c)).replace('"', '""') + '"' for c in cells)

    lines = [record(header), *(record(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def separator(text: str) -> str:
    """``;`` if the header line has more semicolons than commas outside quotes, else ``,``."""
    counts = {",": 0, ";": 0}
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted  # a doubled quote toggles twice: still inside
        elif not quoted and ch == "\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


def read_rows(text: str) -> Iterator[Row]:
    """Every record of ``text``, in order; raises :class:`CsvError` where one is broken."""
    if "\n" not in text:
        text = text.replace("\r", "\n")
    sep = separator(text)
    plain = re.compile(f"[^{re.escape(sep)}\n]*")
    pos, line, end = 0, 1, len(text)
    while pos < end:
        stop = text.find("\n", pos)
        stop = end if stop < 0 else stop
        if text.find('"', pos, stop) < 0:  # the common case: no quotes on this line
            body = text[pos:stop]
            body = body[:-1] if body.endswith("\r") else body
            yield Row(line, tuple(Cell(v, False) for v in body.split(sep)))
            pos, line = stop + 1, line + 1
            continue
        cells, after, last = _record(text, pos, line, sep, plain)
        yield Row(line, cells)
        pos, line = after, last + 1


def _record(text: str, pos: int, line: int, sep: str, plain: re.Pattern[str],
            ) -> tuple[tuple[Cell, ...], int, int]:
    """The record at ``pos``, where the next one starts, and the line this one ends on."""
    cells, end = [], len(text)
    while True:
        if text.startswith('"', pos):
            m = _QUOTED.match(text, pos)
            if m is None:
                raise CsvError(line, "a quoted cell has no closing quote")
            cells.append(Cell(m.group(1).replace('""', '"'), True))
            line += m.group(1).count("\n")
            pos = m.end()
            while pos < end and text[pos] in " \t":
                pos += 1
            pos += text.startswith("\r\n", pos)
            if pos < end and text[pos] not in (sep, "\n"):
                raise CsvError(line, "text after a closing quote (a quote inside a quoted "
                               "cell is written twice: \"\")")
        else:
            m = plain.match(text, pos)
            assert m is not None  # the pattern matches the empty string
            value, pos = m.group(), m.end()
            at_eol = pos >= end or text[pos] == "\n"
            cells.append(Cell(value[:-1] if at_eol and value.endswith("\r") else value, False))
        if pos < end and text[pos] == sep:
            pos += 1
            continue
        return tuple(cells), pos + 1, line
