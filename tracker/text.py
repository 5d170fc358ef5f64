"""Making stored text safe to show: no terminal control sequences, no bidi spoofing."""

from __future__ import annotations

import re

# C0 controls except TAB and LF, DEL, C1 controls, and bidi overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """Replace every control character (ESC, CSI, OSC starters...) with U+FFFD; keep TAB, LF."""
    return _UNSAFE.sub("\ufffd", text)


def clean_line(text: str) -> str:
    """Like :func:`clean_text`, for one-line places: newlines and tabs become spaces."""
    return _UNSAFE_LINE.sub(lambda m: " " if m.group() in "\t\n\r" else "\ufffd", text)
