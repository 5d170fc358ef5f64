"""Making stored text safe to show: no terminal control sequences, no bidi spoofing."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except TAB and LF, DEL, C1 controls, and bidi overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Replace every control character (ESC, CSI, OSC starters...) with U+FFFD; keep TAB, LF."""
    return _UNSAFE.sub("\ufffd", text)


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, for one-line places: newlines and tabs become spaces."""
    return _UNSAFE_LINE.sub(lambda m: " " if m.group() in "\t\n\r" else "\ufffd", text)


# What JSON (RFC 8259) lets through unescaped that must not reach a terminal, as UTF-8: DEL,
# C1 controls, bidi overrides and isolates (C0 controls are always escaped already).
_UNSAFE_UTF8 = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def escape_unsafe_json(raw: bytes) -> bytes:
    """JSON (UTF-8) with every character :func:`clean_text` would replace written as a
    ``\\uXXXX`` escape: the same data when read back, and nothing a terminal obeys when shown."""
    return _UNSAFE_UTF8.sub(lambda m: b"\\u%04x" % ord(m.group().decode("utf-8")), raw)


# ---------------------------------------------------------------- terminal cell width

_ZWJ = "\u200d"


def _char_width(char: str) -> int:
    """Cells one character takes in a terminal: 0 for controls, marks and joiners, 2 for
    wide and full-width characters (CJK, most emoji), else 1."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return 0
    kind = unicodedata.category(char)
    if kind in ("Mn", "Me", "Mc") or (kind == "Cf" and char != "\xad"):
        return 0  # combining and enclosing marks, joiners, bidi marks, zero-width space
    if 0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF or 0x1F3FB <= code <= 0x1F3FF:
        return 0  # Hangul vowels and finals joining a syllable; emoji skin tones
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """How many terminal cells ``text`` takes (what column alignment must count, not
    ``len``): "東京" is 4, "🚀" is 2, "e\u0301" is 1. A character joined to the one before
    by a zero-width joiner (an emoji sequence) takes no more room."""
    if text.isascii():
        return sum(1 for c in text if " " <= c <= "~")
    total, joined = 0, False
    for char in text:
        if joined:
            joined = False
        elif char == _ZWJ:
            joined = True
        else:
            total += _char_width(char)
    return total


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in "…" if it was cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = _char_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` cells (as ``f"{text:<{width}}"`` would
    for text one cell a character)."""
    return text + " " * max(0, width - cell_width(text))


def _fit(word: str, width: int) -> str:
    """The longest start of ``word`` that fits ``width`` cells (at least one character)."""
    used = 0
    for n, char in enumerate(word):
        used += _char_width(char)
        if used > width:
            return word[:max(n, 1)]
    return word


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken between words (a word longer
    than a line is broken where it must); like :func:`textwrap.wrap`, counting cells."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while cell_width(word) > width:
            if line:
                lines.append(line)
                line = ""
            head = _fit(word, width)
            lines.append(head)
            word = word[len(head):]
        joined = f"{line} {word}" if line else word
        if cell_width(joined) <= width:
            line = joined
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines
