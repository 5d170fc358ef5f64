"""Stable string ids: a short prefix naming the record type and 10 random hex digits."""

from __future__ import annotations

import os

PREFIX = {
    "Client": "cli", "Contact": "con", "TeamMember": "mem", "Assignment": "asg",
    "ScopeItem": "scp", "ChangeRequest": "chg", "Interaction": "int", "NpsResponse": "nps",
    "BudgetChange": "bud", "AccessGrant": "acc", "ContactChange": "cch", "SignState": "sgn",
    "Snooze": "snz",
}


def new_id(kind: str) -> str:
    """A new id for a record of class name ``kind`` (e.g. ``"Client"`` -> ``cli_3f9a...``)."""
    return f"{PREFIX.get(kind, kind[:3].lower())}_{os.urandom(5).hex()}"
