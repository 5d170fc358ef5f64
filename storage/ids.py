"""Stable string ids: a short prefix naming the record type and 10 random hex digits.

What may be an id, for records that come from outside (an import): 1 to 64 ASCII letters,
digits, ``_`` and ``-``, starting with a letter or digit. That holds every id we make
(``cli_3f9a0b1c2d``) and those of hand-made files (``c1``, ``ACME-001``), and nothing that
could mean something in the formats ids go into: no line break (a new calendar event),
no ``;`` ``,`` ``:`` or ``\\`` (iCalendar), no quote, no ``/`` or ``..`` (paths), no
formula starter (spreadsheets). A key made of ids (a warning sign's or a snoozed item's,
``cli_3f9a0b1c2d:new_access:acc_77aa01bc2e``) may also hold ``:``.
"""

from __future__ import annotations

import os
import re

from tracker.record_types import RECORD_TYPES

#: Class name -> prefix of its ids: every record type's, and a client's contact (not a
#: record of its own, but it carries an id).
PREFIX = {t.cls.__name__: t.prefix for t in RECORD_TYPES} | {"Contact": "con"}
MAX_ID = 64
MAX_KEY = 200
_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_ID - 1}}}")
_KEY = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_:-]{{0,{MAX_KEY - 1}}}")
ID_RULE = f"1 to {MAX_ID} letters, digits, _ or -"


def new_id(kind: str) -> str:
    """A new id for a record of class name ``kind`` (e.g. ``"Client"`` -> ``cli_3f9a...``)."""
    return f"{PREFIX.get(kind, kind[:3].lower())}_{os.urandom(5).hex()}"


def is_id(text: str) -> bool:
    """Whether ``text`` may be the id of a record that comes from outside."""
    return _ID.fullmatch(text) is not None


def is_key(text: str) -> bool:
    """Whether ``text`` may be a key made of ids (a sign's or a snoozed item's)."""
    return _KEY.fullmatch(text) is not None
