"""Reading commands: the review queue, a client's requests and calls, its audit trail."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from scopekeeper.commands.common import client_arg, day_arg, workspace_of
from scopekeeper.output import say
from scopekeeper.parser import UsageError
from tracker.review_items import ReviewItem
from tracker.text import clean_line, pad

if TYPE_CHECKING:
    from storage.snapshot import Cover


def review_json(day: date, items: Sequence[ReviewItem], person: str = "") -> str:
    import json

    return json.dumps({
        "date": day.isoformat(),
        "for": person or None,
        "items": [{
            "client_id": i.client_id, "client": i.client, "kind": i.kind,
            "urgency": i.urgency, "why": i.why,
            "due": i.due.isoformat() if i.due else None,
        } for i in items],
    }, indent=2)  # ASCII escapes: no control byte can reach a terminal


def _covering(team: Sequence[Cover], text: str) -> Cover:
    needle = text.strip().casefold()
    exact = [t for t in team if needle in (t.login.casefold(), t.name.casefold())]
    found = exact or [t for t in team if needle and needle in t.name.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        names = ", ".join(t.name for t in team) or "nobody yet"
        raise UsageError(f"no team member {text!r} (the team: {names})")
    raise UsageError(f"{text!r} matches {len(found)} people: "
                     f"{', '.join(t.name for t in found)}; use more of the name or the login")


def cmd_review(args: argparse.Namespace) -> int:
    from scopekeeper.digest import review_text

    ws = workspace_of(args, lazy=True)
    day = day_arg(args.on, ws.clock())
    snap = ws.review_snapshot(day)
    ws.keep(snap)  # for the next review and the next start
    items, person = snap.review, ""
    if args.person is not None:
        who = _covering(snap.team, args.person)
        mine = set(who.clients)
        items, person = tuple(i for i in items if i.client_id in mine), who.name
    if args.format == "json":
        say(review_json(snap.today, items, person))
    else:
        say(review_text(snap.today, items, person))
    return 0


def cmd_listing(args: argparse.Namespace) -> int:
    """``requests`` and ``calls``: a client's records with the ids that render takes."""
    from scopekeeper.listing import listing

    ws = workspace_of(args)
    client = client_arg(ws, args.client)
    say(listing(args.command, ws.client_agency(client.id), client, args.format))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from datetime import datetime

    from storage.audit import describe

    ws = workspace_of(args)
    client = client_arg(ws, args.client)
    trail = ws.store.history(client.id)
    shown = trail[-args.last:] if args.last else trail
    say(f"{clean_line(client.name)} ({client.id}): {len(trail)} change"
        f"{'s' if len(trail) != 1 else ''}" + (f", the last {len(shown)} shown"
                                               if len(shown) < len(trail) else ""))
    for entry in shown:
        try:
            when = datetime.fromisoformat(entry.at.replace("Z", "+00:00")).astimezone()
            stamp = f"{when:%Y-%m-%d %H:%M}"
        except ValueError:
            stamp = entry.at
        what, details = describe(entry)
        say(clean_line(f"{stamp}  {pad(clean_line(entry.by), 10)}  {what}  {details}"))
    return 0
