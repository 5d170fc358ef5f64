"""CSV as RFC 4180 describes it: read with one stated rule (never guessed per file), and
written so that a spreadsheet cannot run what it holds.

Reading. Cells are separated by commas, or by semicolons when the first line (the header)
has more semicolons than commas outside quotes, as spreadsheets in many European locales
save it. A cell in double quotes may hold commas, semicolons, line breaks and quotes
(doubled: ``""``); text after a closing quote is an error, never guessed at. Records end
at LF or CRLF (a file with no LF at all uses CR, as old Mac spreadsheets did). Each record
keeps the line it starts on, and each cell whether it was quoted: a quoted cell is text
exactly as written, an unquoted one is trimmed by whoever reads it. A cell longer than
``max_cell`` characters is an error at its line (reading stops there), and reading takes
memory in proportion to the text, however long a cell.

Writing. Every cell is quoted. Numbers (``int``, ``Decimal``: amounts and day counts we
write ourselves) are written as they are, ``-1200.50`` included. Text is written so that
a spreadsheet shows it and never runs it: control characters other than tab, line feed
and carriage return are left out (line breaks inside a quoted cell are RFC 4180 and a
note's own), and a cell a spreadsheet would run as a formula (one starting with
``= + - @``, tab or CR) gets a leading apostrophe, as does one that already starts with an
apostrophe followed by one of those or by another apostrophe: reading removes an
apostrophe only in those two cases, so :func:`unguard` undoes :func:`guard` exactly,
whatever the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import NamedTuple

RISKY = frozenset("=+-@\t\r")
_GUARDED = RISKY | {"'"}
#: A quoted cell. Possessive and unrolled (a run of plain characters, then ``""`` and
#: another run...): a cell of millions of characters takes no more memory than its text.
_CELL = r'"([^"]*+(?:""[^"]*+)*+)"'
_QUOTED = re.compile(_CELL)
#: What a cell we write leaves out: C0 controls but tab, LF and CR; DEL; C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: The longest cell read (the longest text a record holds is 20,000 characters).
MAX_CELL = 65_536


class CsvError(ValueError):
    """A record that cannot be read without guessing; ``line`` is where it starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class Row(NamedTuple):
    """One record. A tuple of tuples, not a dataclass per cell: a big sheet has millions
    of cells, and rows never leave storage."""

    line: int  # the line the record starts on (1 is the header)
    cells: tuple[str, ...]  # as written between the separators (quotes removed, untrimmed)
    quoted: tuple[bool, ...]  # which of them were in quotes


def guard(text: str) -> str:
    """The cell to write for ``text``: a spreadsheet shows it as text, never runs it."""
    if text[:1] in RISKY or (text[:1] == "'" and text[1:2] in _GUARDED):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """The text a cell written by :func:`guard` came from (other cells are left alone)."""
    return text[1:] if text[:1] == "'" and text[1:2] in _GUARDED else text


def strip_controls(text: str) -> str:
    """``text`` without the control characters a cell we write leaves out."""
    return _CONTROLS.sub("", text)


def text_cell(text: str) -> str:
    """The cell we write for ``text``: no control character, never a formula."""
    return guard(strip_controls(text))


def write_csv(header: Iterable[str], rows: Iterable[Iterable[str | int | Decimal]]) -> bytes:
    """RFC 4180, UTF-8, CRLF between records, every cell quoted; text cells cleaned and
    guarded (:func:`text_cell`), numbers written as numbers."""

    def one(c: str | int | Decimal) -> str:
        return text_cell(c) if isinstance(c, str) else str(c)

    def record(cells: Iterable[str | int | Decimal]) -> str:
        return ",".join('"' + one(c).replace('"', '""') + '"' for c in cells)

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


def read_rows(text: str, max_cell: int = MAX_CELL) -> Iterator[Row]:
    """Every record of ``text``, in order; raises :class:`CsvError` where one is broken
    or has a cell of more than ``max_cell`` characters."""
    if "\n" not in text:
        text = text.replace("\r", "\n")
    sep = separator(text)
    s = re.escape(sep)
    # one cell and what ends it: quoted (spaces may follow the closing quote), or plain
    cell = re.compile(f'{_CELL}[ \t]*+(\r?\n|{s}|\\Z)|(?!")([^{s}\n]*+)(\n|{s}|\\Z)')
    pos, line, end = 0, 1, len(text)
    while pos < end:
        stop = text.find("\n", pos)
        stop = end if stop < 0 else stop
        long = stop - pos > max_cell  # a cell may be too long: look at each
        if text.find('"', pos, stop) < 0:  # the common case: no quotes on this line
            body = text[pos:stop]
            body = body[:-1] if body.endswith("\r") else body
            plain_cells = tuple(body.split(sep))
            if long:
                _check_length(plain_cells, line, max_cell)
            yield Row(line, plain_cells, (False,) * len(plain_cells))
            pos, line = stop + 1, line + 1
            continue
        whole = _all_quoted(text[pos:stop], sep)  # our own export's lines
        if whole is not None:
            if long:
                _check_length(whole, line, max_cell)
            yield Row(line, whole, (True,) * len(whole))
            pos, line = stop + 1, line + 1
            continue
        first, cells, quotes = line, [], []  # a record with quotes here and there
        while True:
            m = cell.match(text, pos)
            if m is None:
                raise _broken(text, pos, line)
            quoted, q_end, plain, p_end = m.groups()
            if len(quoted if quoted is not None else plain) > max_cell:
                raise _too_long(line, max_cell)
            if quoted is not None:
                cells.append(quoted.replace('""', '"'))
                quotes.append(True)
                line += quoted.count("\n")
            else:
                tail = p_end != sep and plain.endswith("\r")  # CRLF ends the record
                cells.append(plain[:-1] if tail else plain)
                quotes.append(False)
            pos = m.end()
            if (q_end if quoted is not None else p_end) != sep:
                break
        yield Row(first, tuple(cells), tuple(quotes))
        line += 1


def _check_length(cells: tuple[str, ...], line: int, max_cell: int) -> None:
    if any(len(c) > max_cell for c in cells):
        raise _too_long(line, max_cell)


def _too_long(line: int, max_cell: int) -> CsvError:
    return CsvError(line, f"a cell holds more than {max_cell:,} characters (the longest "
                    "text a record holds is 20,000)")


def _all_quoted(body: str, sep: str) -> tuple[str, ...] | None:
    """The cells of a one-line record whose every cell is quoted, else None."""
    body = body[:-1] if body.endswith("\r") else body
    found = _QUOTED.findall(body)
    if '"' + f'"{sep}"'.join(found) + '"' != body:
        return None  # some cell is not quoted, or a quoted one goes on to the next line
    return tuple(x.replace('""', '"') for x in found) if '""' in body else tuple(found)


def _broken(text: str, pos: int, line: int) -> CsvError:
    """Why the quoted cell at ``pos`` cannot be read."""
    if _QUOTED.match(text, pos) is None:
        return CsvError(line, "a quoted cell has no closing quote")
    return CsvError(line, "text after a closing quote (a quote inside a quoted cell is "
                    "written twice: \"\")")
