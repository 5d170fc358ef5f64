"""Schema migrations: pure functions from one version of the file's JSON to the next.

``MIGRATIONS[n]`` turns a schema-``n`` document into a schema-``n + 1`` one; opening an
older file applies them in order after writing a backup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Data = dict[str, dict[str, Any]]

META = "_meta"

#: The record tables of schema 1 (the foundation's layout).
V1_TABLES = ("clients", "members", "assignments", "scope_items", "change_requests",
             "interactions", "nps", "budget_changes", "access_grants", "contact_changes",
             "sign_states", "snoozes")


def migrate_1_to_2(data: Data) -> Data:
    """Schema 2: every record carries a revision (``rev``, 1 for existing records) and the
    file records the last journal sequence number it includes (``seq``)."""
    import copy

    out = copy.deepcopy(data)
    for table in V1_TABLES:
        for doc in out.get(table, {}).values():
            doc.setdefault("rev", 1)
    meta = out.setdefault(META, {})
    doc = next(iter(meta.values()), None) if meta else None
    if doc is None:
        meta["1"] = doc = {"format": "scopekeeper"}
    doc["schema"] = 2
    doc.setdefault("seq", 0)
    return out


def migrate_2_to_3(data: Data) -> Data:
    """Schema 3: activities and tests (a new table, for the monthly report) and the reply put
    in writing on each change request (``document_kind``, ``document``, ``document_on``)."""
    import copy

    out = copy.deepcopy(data)
    out.setdefault("activities", {})
    for doc in out.get("change_requests", {}).values():
        doc.setdefault("document_kind", "")
        doc.setdefault("document", "")
        doc.setdefault("document_on", None)
    out[META]["1"]["schema"] = 3
    return out


def migrate_3_to_4(data: Data) -> Data:
    """Schema 4: a fee is monthly or one-off (``fee_kind`` on change requests and scope
    items; what was there is monthly, as it was counted), and calls record who attended
    (``attendees_ours``, ``attendees_theirs``)."""
    import copy

    out = copy.deepcopy(data)
    for table in ("change_requests", "scope_items"):
        for doc in out.get(table, {}).values():
            doc.setdefault("fee_kind", "monthly")
    for doc in out.get("interactions", {}).values():
        doc.setdefault("attendees_ours", [])
        doc.setdefault("attendees_theirs", [])
    out[META]["1"]["schema"] = 4
    return out


MIGRATIONS: dict[int, Callable[[Data], Data]] = {1: migrate_1_to_2, 2: migrate_2_to_3,
                                                 3: migrate_3_to_4}


def migrate(data: Data, from_version: int, to_version: int) -> Data:
    """Apply every migration from ``from_version`` up to ``to_version``."""
    for version in range(from_version, to_version):
        data = MIGRATIONS[version](data)
    return data
