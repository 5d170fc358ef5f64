"""Hostile text in every field of every record: what a colleague with write access to the
shared data file (or an import) can put there, and how to tell whether any of it reached
a terminal as control rather than as text."""

from __future__ import annotations

import dataclasses
import re
from enum import Enum
from typing import Any

from tracker.demo import make_demo
from tracker.models import Agency
from tracker.validation import LINES, MAX_DESCRIPTION, MAX_LINE

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # the clipboard gets "echo pwned"
OSC0 = "\x1b]0;PWNED-TITLE\x1b\\"  # the window title
#: Every way into a terminal a string can try: OSC, queries (7- and 8-bit), DCS, APC, PM,
#: SOS, bidi overrides, Rich/Textual markup and actions, a lone CR, NUL.
PAYLOAD = (OSC52 + OSC0 + "\x1b[6n" + "\x9b6n" + "\x1bPq#0;2;0;0;0\x1b\\" + "\x1b_apc\x1b\\"
           + "\x1b^pm\x1b\\" + "\x1bXsos\x1b\\" + "\u202eevil\u202c\u2066iso\u2069"
           + "[red]x[/]" + "[link=https://e.x]l[/link]" + "[@click=app.quit]q[/]"
           + "a\rb" + "\x00" + "\x85\x90\x9d\x9f")
#: What an email address may hold and still pass as one (no ``[ ] ; :`` or spaces).
EMAIL_PAYLOAD = "\x9b6n\x1bPdcs\x1b\\\u202e\x07\x00"
#: Ids as a hand-edited data file or an old import may hold them (no ``:``: keys join ids).
ID_PAYLOAD = "\x1b]0;ID\x07\u202e\x9b6n"
#: Seen on screen only if the hostile text was shown (cleaned): the OSC 52 body.
SEEN = b"52;c;ZWNobyBwd25lZA=="
LONG = " ".join(["long"] * 400)  # a note 2,000 characters long

_KEEP = {"currency", "login", "document_kind"}  # validated to an alphabet, or a code


def poison_line(text: str) -> str:
    return (PAYLOAD + text)[:MAX_LINE]


def poison_text(text: str, limit: int = 20_000) -> str:
    return f"{PAYLOAD}{text}\n{LONG}"[:limit - len(PAYLOAD) - 1] + "\n" + PAYLOAD


def _poison_id(value: str) -> str:
    return value + ID_PAYLOAD if value else value


def _key(value: str, ids: bool) -> str:
    if not ids:
        return value
    return ":".join(_poison_id(p) if re.fullmatch(r"[a-z]{3}_\w+", p) else p
                    for p in value.split(":"))


def _poison(record: Any, ids: bool) -> Any:
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        name, value = f.name, getattr(record, f.name)
        if isinstance(value, Enum) or name in _KEEP:
            continue
        if name == "id" or name.endswith("_id"):
            if ids:
                changes[name] = _poison_id(value)
        elif name.endswith("_ids"):
            if ids:
                changes[name] = tuple(_poison_id(v) for v in value)
        elif name in ("sign_key", "item_key"):
            changes[name] = _key(value, ids)
        elif name == "email":
            changes[name] = EMAIL_PAYLOAD + value if value else value
        elif isinstance(value, str):
            changes[name] = poison_line(value) if name in LINES else poison_text(
                value, MAX_DESCRIPTION if name == "description" else 20_000)
        elif isinstance(value, tuple):
            changes[name] = tuple(poison_line(v) if isinstance(v, str) else _poison(v, ids)
                                  for v in value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes[name] = _poison(value, ids)
    return dataclasses.replace(record, **changes)


def hostile_agency(today: Any, ids: bool = True) -> Agency:
    """The demo agency with hostile text in every free-text field of every record (and in
    every id and reference, if ``ids``)."""
    agency = make_demo(today, clients=16, events=150)
    return Agency(**{f.name: tuple(_poison(r, ids) for r in getattr(agency, f.name))
                     for f in dataclasses.fields(agency)})


# ---------------------------------------------------------------- scanning what was written

#: What the app itself writes to a terminal (Textual's driver and Rich): CSI sequences of
#: SGR (m), cursor movement and position (A-H, f), erasing (J, K), scrolling (r, S, T),
#: DEC private modes (?...h / ?...l), the Kitty keyboard protocol (> u, < u, = u), and
#: a few two-byte escapes (keypad modes, save/restore cursor). Each must end where its
#: grammar says; anything else starting with ESC fails.
_ALLOWED_ESC = re.compile(
    rb"\x1b\[(?:"
    rb"[0-9;:]*m"  # SGR
    rb"|[0-9;]*[ABCDEFGHJKfrSTX@PL]"  # cursor, erase, scroll region, insert/delete
    rb"|\?[0-9;]*[hl]"  # DEC private modes (alternate screen, mouse, sync output...)
    rb"|[>=<][0-9;]*u"  # Kitty keyboard protocol
    rb"|\?u"  # Kitty keyboard query (Textual asks whether it is supported)
    rb"|[0-9]* q"  # cursor shape
    rb"|\?[0-9]+\$p"  # whether the terminal has a mode (synchronised output, in-band resize)
    rb")"
    rb"|\x1b\]22;[a-z-]+\x07"  # the mouse pointer's shape (the one OSC the app sends)
    rb"|\x1b[=>78]",
)
#: What a read can end with in the middle of one of the app's own sequences.
_CUT = re.compile(rb"\x1b(?:\[[0-9;:?<>=$ ]*)?")
#: Bytes that would be control in the wrong hands, shown as UTF-8.
_FORBIDDEN_TEXT = {
    "C1 control": re.compile("[\x80-\x9f]"),
    "bidi override": re.compile("[\u202a-\u202e\u2066-\u2069]"),
    "NUL or C0 other than TAB/LF/CR/BS": re.compile("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]"),
    "a byte that is not UTF-8 (8-bit C1 to some terminals)": re.compile("[\udc80-\udcff]"),
}


def unsafe(raw: bytes, allow_cr: bool = False) -> list[str]:
    """What in ``raw`` (bytes written to a terminal) is not text or the app's own
    sequences: every OSC, DCS, APC, PM, SOS, query, C1 control, bidi override, NUL..."""
    found: list[str] = []
    rest = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x1B:
            m = _ALLOWED_ESC.match(raw, i)
            if m is None and _CUT.fullmatch(raw, i):
                break  # the start of a sequence whose end is still to come
            if m is None:
                found.append(f"escape {bytes(raw[i:i + 12])!r} at {i}")
                i += 1
                continue
            i = m.end()
            continue
        rest.append(raw[i])
        i += 1
    text = bytes(rest).decode("utf-8", errors="surrogateescape")
    for what, pattern in _FORBIDDEN_TEXT.items():
        for m in pattern.finditer(text):
            found.append(f"{what} {m.group()!r} at {m.start()} in "
                         f"{text[max(0, m.start() - 20):m.start() + 20]!r}")
    if not allow_cr and "\r" in text:
        found.append("a carriage return (it moves the cursor over what was written)")
    return found
