"""How a CSV is read (RFC 4180, comma or semicolon by a stated rule) and how our cells are
guarded against formulas: reading gives back exactly what writing was given."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from storage.csv_rows import (
    RISKY,
    CsvError,
    guard,
    read_rows,
    separator,
    strip_controls,
    unguard,
    write_csv,
)

QUOTED = '"He said ""yes, ok"" and left"'


def cells(text: str) -> list[list[str]]:
    return [list(row.cells) for row in read_rows(text)]


@pytest.mark.parametrize(("text", "expected"), [
    (f"client,note\nAcme,{QUOTED}\n", [["client", "note"], ["Acme", 'He said "yes, ok" and left']]),
    (f"client;note\nAcme;{QUOTED}\n", [["client", "note"], ["Acme", 'He said "yes, ok" and left']]),
    ('a,b\r\n"x\r\ny","1;2"\r\n', [["a", "b"], ["x\r\ny", "1;2"]]),
    ('a,b\n5" screen,x\n', [["a", "b"], ['5" screen', "x"]]),
    ("a;b\rx;y\r", [["a", "b"], ["x", "y"]]),  # CR only: an old Mac sheet
    ('a,b\n"",\n', [["a", "b"], ["", ""]]),
], ids=["doubled-quotes", "semicolons", "crlf-in-cell", "bare-quote", "cr-only", "empty"])
def test_quoted_cells_are_read_as_rfc_4180_says(text, expected):
    assert cells(text) == expected


@pytest.mark.parametrize(("header", "sep"), [
    ("name,fee,notes", ","), ("name;fee;notes", ";"), ("name", ","),
    ('"a;b;c",x,y', ","),  # semicolons inside quotes do not count
    ("name;fee (USD, per month);notes", ";"),  # more semicolons than commas
    ("a,b;c", ","),  # a tie: commas
], ids=["commas", "semicolons", "one-column", "quoted", "more-semicolons", "tie"])
def test_the_separator_is_chosen_by_the_header_line(header, sep):
    assert separator(f"{header}\nx,y;z,w;v\n") == sep


def test_each_record_keeps_the_line_it_starts_on():
    text = 'id,note\n1,"two\nlines"\n\n2,"three\r\nmore\nlines"\n3,x\n'
    assert [(row.line, row.cells[0]) for row in read_rows(text)] == [
        (1, "id"), (2, "1"), (4, ""), (5, "2"), (8, "3")]


def test_which_cells_were_quoted_is_kept():
    (row,) = read_rows('" spaced ", plain ')
    assert list(zip(row.cells, row.quoted, strict=True)) == [(" spaced ", True), (" plain ", False)]


@pytest.mark.parametrize(("text", "line", "message"), [
    ('a,b\n1,"He said "yes" and left"\n', 2, "text after a closing quote"),
    ('a,b\n1,2\n3,"never closed\n4,5\n', 3, "no closing quote"),
], ids=["undoubled-quote", "unclosed"])
def test_a_broken_quote_is_an_error_at_its_line_never_a_guess(text, line, message):
    with pytest.raises(CsvError) as e:
        list(read_rows(text))
    assert e.value.line == line and message in str(e.value)


hostile = st.text() | st.lists(st.sampled_from(
    ["=", "+", "-", "@", "\t", "\r", "\n", "'", '"', ",", ";", "\\n", "=1+1", "中", "😀", " "]),
    max_size=6).map("".join)


@given(hostile)
def test_unguard_undoes_guard_and_a_guarded_cell_never_starts_a_formula(text):
    assert unguard(guard(text)) == text
    assert guard(text)[:1] not in RISKY


@pytest.mark.parametrize(("written", "read"), [
    ("'+44 20 7946 0000", "+44 20 7946 0000"),  # a spreadsheet's text marker
    ("'tis the season", "'tis the season"), ("'", "'"), ("''=x", "'=x"), ("=x", "=x")])
def test_unguard_takes_off_only_an_apostrophe_guard_would_have_added(written, read):
    assert unguard(written) == read


@given(st.lists(st.lists(hostile, min_size=3, max_size=3), max_size=5))
def test_what_we_write_reads_back_exactly_with_ours_and_with_pythons_csv(rows):
    """Exactly, but for the control characters a cell leaves out (tab, CR and LF stay)."""
    raw = write_csv(["a", "b", "c"], rows)
    meant = [[strip_controls(c) for c in r] for r in rows]
    ours = [[unguard(c) for c in row.cells] for row in read_rows(raw.decode("utf-8"))]
    assert ours == [["a", "b", "c"], *meant]
    theirs = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert theirs == [["a", "b", "c"], *([guard(c) for c in r] for r in meant)]
    assert all(cell[:1] not in RISKY for row in theirs for cell in row)


def test_numbers_are_written_as_numbers_and_text_that_looks_like_one_is_guarded():
    """Per column: an amount or a count we write is a number (``-1200.50`` included); the
    same characters in a text column could be a formula's start, and are guarded."""
    raw = write_csv(["fee", "days", "note"], [[Decimal("-1200.50"), -5, "-1200.50"],
                                              [Decimal("0.07"), 30, "=1+2"]])
    assert raw.decode("utf-8").splitlines() == [
        '"fee","days","note"', '"-1200.50","-5","\'-1200.50"', '"0.07","30","\'=1+2"']


def test_a_cell_leaves_out_control_characters_but_keeps_tabs_and_line_breaks():
    raw = write_csv(["note"], [["a\x00b\x1b]52;c;ZWNobw==\x07 \x9b6n\x7f\tc\r\nd\ne"]])
    assert raw.decode("utf-8") == '"note"\r\n"ab]52;c;ZWNobw== 6n\tc\r\nd\ne"\r\n'


def test_a_cell_longer_than_the_limit_is_an_error_at_its_line_quoted_or_not():
    for text in ("a,b\n1,2\n3,123456\n", 'a,b\n1,2\n3,"12345\n6"\n', 'a,b\n1,2\n"3","123456"\n'):
        with pytest.raises(CsvError) as e:
            list(read_rows(text, max_cell=5))
        assert e.value.line == 3 and "a cell holds more than 5 characters" in str(e.value)
    assert list(read_rows('a,b\n"12345",12345\n', max_cell=5))[1].cells == ("12345", "12345")
