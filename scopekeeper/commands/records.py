"""Recording what happened with a client: an interaction, an NPS score, a budget change,
new outside access, a new main contact."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from scopekeeper.commands.common import client_arg, day_arg, money_arg, workspace_of
from scopekeeper.output import say
from scopekeeper.parser import UsageError
from tracker.text import clean_line

if TYPE_CHECKING:
    from storage.workspace import Workspace
    from tracker.models import Client


def _about(args: argparse.Namespace) -> tuple[Workspace, date, Client]:
    """What every record starts from: the data, the day it happened (``--on``, never in
    the future) and the client it is about."""
    ws = workspace_of(args)
    return ws, day_arg(args.on, ws.clock(), "past"), client_arg(ws, args.client)


def cmd_log(args: argparse.Namespace) -> int:
    from tracker.kinds import CALL_KINDS

    ws, on, client = _about(args)
    if (args.ours or args.theirs) and args.kind not in CALL_KINDS:
        raise UsageError(f"--ours and --theirs are for calls and meetings, not {args.kind.label}")
    ws.log(client, args.kind, on, args.note, args.ours, args.theirs)
    say(f"logged {args.kind.label} with {clean_line(client.name)} on {on:%Y-%m-%d}")
    return 0


def cmd_nps(args: argparse.Namespace) -> int:
    ws, on, client = _about(args)
    ws.act.nps(client, args.score, args.comment, on)
    band = ws.thresholds.nps_band(args.score)  # the one band definition, as configured
    say(f"recorded NPS {args.score}/10 ({band}) for {clean_line(client.name)} on "
        f"{on:%Y-%m-%d}")
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    from tracker.budget import last_budget
    from tracker.money import format_money

    ws, on, client = _about(args)
    amount = money_arg(args.amount, client.currency, "AMOUNT")
    old = None if args.old is None else money_arg(args.old, client.currency, "--from")
    if old is None:
        old = last_budget(ws.store.client_records(client.id).budget_changes, client.id)
        if old is None:
            raise UsageError(f"no budget recorded yet for {client.name}: give the one before "
                             "with --from AMOUNT")
    ws.act.budget(client, old, amount, args.reason, args.savings, on)
    change = "no change" if old == amount else (
        f"{(amount - old) / old:+.0%}" if old else "new")
    say(f"recorded budget {format_money(old, client.currency)} -> "
        f"{format_money(amount, client.currency)} ({change}) for "
        f"{clean_line(client.name)} on {on:%Y-%m-%d}")
    return 0


def cmd_access(args: argparse.Namespace) -> int:
    ws, on, client = _about(args)
    ws.act.access(client, args.who, args.account, on)
    where = f" to {clean_line(args.account)}" if args.account else ""
    say(f"recorded access{where} for {clean_line(args.who)} at {clean_line(client.name)} "
        f"on {on:%Y-%m-%d}")
    return 0


def cmd_contact(args: argparse.Namespace) -> int:
    ws, on, client = _about(args)
    ws.act.contact_change(client, args.new_name, args.title, on)
    if client.primary_contact is None:
        say(f"set the first main contact of {clean_line(client.name)}: "
            f"{clean_line(args.new_name)} (nobody left: not a warning sign)")
    else:
        say(f"recorded main contact {clean_line(client.primary_contact.name)} -> "
            f"{clean_line(args.new_name)} for {clean_line(client.name)} on {on:%Y-%m-%d}")
    return 0
