"""What belongs to a client: every record that goes when the client is deleted."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from typing import Any

from tracker.models import Agency

#: Record type -> what people call it, singular and plural.
WORDS = {"Assignment": ("assignment", "assignments"), "ScopeItem": ("scope item", "scope items"),
         "ChangeRequest": ("change request", "change requests"),
         "Interaction": ("interaction", "interactions"),
         "NpsResponse": ("NPS response", "NPS responses"),
         "BudgetChange": ("budget change", "budget changes"),
         "AccessGrant": ("access grant", "access grants"),
         "ContactChange": ("contact change", "contact changes"),
         "SignState": ("warning-sign note", "warning-sign notes"),
         "Snooze": ("snooze", "snoozes"), "Activity": ("activity", "activities")}


def records_of(agency: Agency, client_id: str) -> list[Any]:
    """Every record of the client's, the client itself last."""
    out: list[Any] = []
    for f in fields(agency):
        for r in getattr(agency, f.name):
            owner = getattr(r, "client_id", None)
            if owner is None and hasattr(r, "item_key"):  # a snooze: "<client id>:<item>"
                owner = r.item_key.partition(":")[0]
            if owner == client_id:
                out.append(r)
    out += [c for c in agency.clients if c.id == client_id]
    return out


def counted(records: list[Any]) -> str:
    """``"120 interactions, 3 scope items and 1 change request"`` (the client left out)."""
    counts = Counter(type(r).__name__ for r in records if type(r).__name__ in WORDS)
    parts = [f"{n} {WORDS[k][0] if n == 1 else WORDS[k][1]}" for k, n in counts.most_common()]
    if not parts:
        return "no other records"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
