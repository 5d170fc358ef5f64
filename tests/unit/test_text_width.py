"""Terminal cell width, for aligning columns of text (tracker stays pure: no Rich there).
Checked against Rich's own measure, which the app's screens use."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, strategies as st
from rich.cells import cell_len

from tracker.text import cell_width, clip, pad, wrap

#: What people type in names and notes: Latin, Greek, Cyrillic, combining accents,
#: Devanagari, kana, CJK, Hangul, full-width forms, emoji, joiners.
RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x4FF), (0x900, 0x97F),
          (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xFF01, 0xFF60),
          (0x1F300, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x200B, 0x200D),
          (0x2600, 0x27BF)]
#: Made wide by Unicode 16 (Rich's table); Python 3.11's own data is Unicode 14.
NEWER = {*range(0x2630, 0x2638), *range(0x268A, 0x2690)}
ALPHABET = "".join(chr(c) for a, b in RANGES for c in range(a, b + 1)
                   if c not in NEWER and unicodedata.category(chr(c)) != "Cn")
texts = st.text(alphabet=ALPHABET, max_size=40)


@pytest.mark.parametrize(("text", "cells"), [
    ("Acme", 4), ("東京", 4), ("🚀 Launch", 9), ("e\u0301", 1), ("안녕", 4), ("Ａｃｍｅ", 8),
    ("👩\u200d💻", 2), ("a\u200bb", 2), ("", 0),
], ids=["ascii", "cjk", "emoji", "combining", "hangul", "fullwidth", "zwj", "zero-width", "empty"])
def test_cell_width(text, cells):
    assert cell_width(text) == cells == cell_len(text)


@given(texts)
def test_cell_width_is_what_rich_measures(text):
    assert cell_width(text) == cell_len(text)


@given(texts, st.integers(min_value=1, max_value=30))
def test_clip_and_pad_fill_exactly_the_cells_asked(text, width):
    cut = clip(text, width)
    assert cell_len(cut) <= width
    assert cut == text or (cut.endswith("…") and text.startswith(cut[:-1]))
    assert cell_len(pad(cut, width)) == width


@given(st.lists(st.text(alphabet=ALPHABET.replace(" ", ""), min_size=1, max_size=12),
                max_size=20), st.integers(min_value=2, max_value=40))
def test_wrap_keeps_every_word_within_the_width(words, width):
    lines = wrap(" ".join(words), width)
    assert all(cell_len(ln) <= width or len(ln) == 1 for ln in lines)
    assert "".join("".join(lines).split()) == "".join("".join(words).split())
