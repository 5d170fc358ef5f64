"""``scopekeeper requests CLIENT`` and ``scopekeeper calls CLIENT``: the ids a document or a
script needs, with enough beside each to recognise it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracker.labels import count
from tracker.text import clean_line, clip

if TYPE_CHECKING:
    from tracker.models import Agency, ChangeRequest, Client, Interaction

WIDTH = 78


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` terminal cells (a CJK or emoji text is wider than long)."""
    return clip(clean_line(text), width)


def requests_rows(agency: Agency, client: Client) -> list[ChangeRequest]:
    return sorted((r for r in agency.change_requests if r.client_id == client.id),
                  key=lambda r: (r.requested_on, r.id))


def requests_text(client: Client, rows: Sequence[ChangeRequest]) -> str:
    from tracker.labels import fee_line

    out = [f"{clean_line(client.name)}: {count(len(rows), 'change request')}"
           + (" (latest last; 'render change_order --change-request latest' writes the "
              "latest)" if rows else "")]
    for r in rows:
        fee = fee_line(r.fee_cents, r.fee_kind, client.currency) or "no fee given"
        head = f"{r.id}  {r.requested_on:%Y-%m-%d}  {r.status.value:<7}  {fee}"
        out.append(head)
        out.append(f"    {_clip(r.description, WIDTH - 4)}")
    return "\n".join(out)


def requests_json(client: Client, rows: Sequence[ChangeRequest]) -> str:
    return json.dumps({"client_id": client.id, "client": client.name, "requests": [{
        "id": r.id, "requested_on": r.requested_on.isoformat(), "requested_by": r.requested_by,
        "description": r.description, "status": r.status.value, "fee_cents": r.fee_cents,
        "fee_kind": r.fee_kind.value, "currency": client.currency,
        "decided_on": r.decided_on.isoformat() if r.decided_on else None,
    } for r in rows]}, indent=2)  # ASCII escapes: no control byte can reach a terminal


def calls_text(client: Client, rows: Sequence[Interaction]) -> str:
    out = [f"{clean_line(client.name)}: {count(len(rows), 'call or meeting', 'calls and meetings')}"
           + (" (latest last; 'render call_summary --call latest' writes the latest)"
              if rows else "")]
    for i in rows:
        out.append(f"{i.id}  {i.on:%Y-%m-%d}  {i.kind.label}")
        for side, people in ((clean_line(client.name), i.attendees_theirs),
                             ("us", i.attendees_ours)):
            if people:
                out.append(_clip(f"    for {side}: {', '.join(people)}", WIDTH))
        first = next((ln for ln in i.notes.splitlines() if ln.strip()), "")
        if first:
            out.append(f"    {_clip(first, WIDTH - 4)}")
    return "\n".join(out)


def calls_json(client: Client, rows: Sequence[Interaction]) -> str:
    return json.dumps({"client_id": client.id, "client": client.name, "calls": [{
        "id": i.id, "on": i.on.isoformat(), "kind": i.kind.value, "notes": i.notes,
        "attendees_ours": list(i.attendees_ours), "attendees_theirs": list(i.attendees_theirs),
    } for i in rows]}, indent=2)


def listing(name: str, agency: Agency, client: Client, fmt: str) -> str:
    """``requests`` or ``calls`` of ``client``, as text or JSON."""
    if name == "requests":
        asked = requests_rows(agency, client)
        return requests_json(client, asked) if fmt == "json" else requests_text(client, asked)
    from tracker.attendance import calls_of

    calls = calls_of(agency, client)
    return calls_json(client, calls) if fmt == "json" else calls_text(client, calls)
