"""Opening the app: is this a terminal that can show it, and what Textual needs first."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING

from scopekeeper.commands.common import (
    catalog_of_keys,
    config_of,
    data_file_or_none,
    templates_dir_of,
    workspace_of,
)
from scopekeeper.host import Host
from scopekeeper.parser import UsageError
from storage.config import Config, check_keymap

if TYPE_CHECKING:
    from storage.workspace import Workspace

#: Terminals that cannot show the app (no cursor addressing): refused with a plain message.
DUMB_TERMS = frozenset({"", "dumb", "unknown", "vt52", "vt100", "vt220"})
COLOR_SYSTEMS = {"16": "standard", "256": "256", "truecolor": "truecolor"}


def terminal_problem(term: str, is_tty: bool) -> str | None:
    if not is_tty:
        return ("the app needs a terminal; use the commands (e.g. 'scopekeeper review') in "
                "scripts and pipes")
    if term.strip().lower() in DUMB_TERMS:
        return (f"this terminal (TERM={term or 'unset'}) cannot show the app; set TERM to "
                "your terminal's type (e.g. xterm-256color, screen-256color, linux), or use "
                "the commands (e.g. 'scopekeeper review')")
    return None


def prepare_terminal(cfg: Config, env: MutableMapping[str, str]) -> None:
    """What the app needs from the environment before Textual is imported."""
    env.setdefault("ESCDELAY", str(cfg.escdelay))  # a slow link splits escape sequences
    env.pop("TEXTUAL", None)  # never the devtools console: its port is shared by every user
    if cfg.color != "auto":
        env["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[cfg.color]


def cmd_tui(args: argparse.Namespace) -> int:
    from storage.access import check_reachable
    from storage.paths import review_copy
    from storage.review_cache import peek, peek_copy
    from storage.snapshot import Snapshot

    cfg = config_of(args)
    data_file = data_file_or_none(args)  # None: a database, which has no files here
    if data_file is not None:
        check_reachable(data_file)  # a folder closed to this person: say so before all else
    check_keymap(cfg, catalog_of_keys)
    host: Host = args.host
    problem = terminal_problem(host.env.get("TERM", ""), sys.stdout.isatty())
    if problem:
        raise UsageError(problem)
    # Today's queue as last computed (marked as updating if anyone saved since) is shown at
    # once; the storage engine is imported and the records read after the first frame.
    # Without one, it is computed now (so that a bad file is reported here). A database's
    # is the one this person's last session read (kept in their own cache), always marked
    # as updating: only the database can say whether anyone saved since.
    snap = (peek_copy(review_copy(host.places, str(cfg.location)), host.today(),
                      cfg.thresholds) if data_file is None else
            peek(data_file, host.today(), cfg.thresholds, stale_ok=True))
    workspace: Workspace | Callable[[], Workspace]
    if snap is None and data_file is None:  # a database without this person's copy
        workspace = workspace_of(args, lazy=True)
        # the day's review if anyone has worked it out; else the app works it out after
        # its first frame, which says so (seconds on a large agency: a blank terminal
        # meanwhile would look hung). Either way the database has answered by now: one
        # that cannot be reached is this one line, not an app that starts empty.
        snap = workspace.cached_snapshot() or Snapshot.awaiting(host.today())
    elif snap is None:  # the review from the digest (the rest loads after the first
        workspace = workspace_of(args, lazy=True)  # frame), else from every record
        snap = workspace.review_snapshot()
        workspace.keep(snap)
    else:
        workspace = lambda: workspace_of(args, lazy=True)  # noqa: E731 - opened by the app
    import os  # Textual reads its settings from the process environment

    # The cyclic collector is off until the first frame is on screen (the app turns it on
    # again: screens.app.collect_again): importing Textual and building the screen make no
    # garbage worth a pass, and its ~100 passes cost ~20 ms of a 0.25 s start.
    gc.disable()

    prepare_terminal(cfg, os.environ)
    from screens.launch import run  # Textual is imported only for the TUI
    from storage.paths import drafts_dir, scratch_dir, state_dir

    return run(workspace, cfg.keymap, mouse=cfg.mouse, snapshot=snap,
               templates=templates_dir_of(args), agency_name=cfg.agency_name,
               drafts=drafts_dir(host.places), data_file=str(cfg.location),
               editor=host.editor, home=host.home, now=host.now,
               crashes=state_dir(host.places), scratch=scratch_dir(host.places))
