"""What belongs to a client: every record that goes when the client is deleted."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from typing import Any

from tracker.models import Agency, Client
from tracker.record_types import BY_CLASS


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
    counts = Counter(BY_CLASS[type(r)] for r in records
                     if type(r) in BY_CLASS and type(r) is not Client)
    parts = [f"{n} {t.singular if n == 1 else t.plural}" for t, n in counts.most_common()]
    if not parts:
        return "no other records"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
