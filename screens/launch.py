"""Running the app for one person in their terminal: until they quit or the terminal goes,
then a clean exit (status 0 once the terminal is gone: there is nobody left to tell)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from screens.app import ScopekeeperApp
from storage.snapshot import Snapshot

if TYPE_CHECKING:
    from storage.workspace import Workspace


def run(workspace: Workspace | Callable[[], Workspace], keymap: Mapping[str, str] | None = None,
        mouse: bool = True, snapshot: Snapshot | None = None, *, templates: Path | None = None,
        agency_name: str = "", drafts: Path | None = None, data_file: str = "",
        editor: str = "vi", home: Path | None = None,
        now: Callable[[], datetime] | None = None, crashes: Path | None = None,
        scratch: Path | None = None) -> int:
    app = ScopekeeperApp(workspace, keymap, snapshot, templates=templates,
                         agency_name=agency_name, drafts=drafts, data_file=data_file,
                         editor=editor, home=home, now=now, crashes=crashes, scratch=scratch)
    app.lifeline.catch_signals()
    try:
        app.run(mouse=mouse)
    except OSError:
        # once the terminal is gone, even a report of trouble on the way out cannot be
        # written to it (Textual's own, e.g. a screen mounted during the exit): exit 0 all
        # the same, as the person asked nothing more of it
        if not app.lifeline.lost:
            raise
    if app.hung_up or app.lifeline.lost:  # the terminal is gone: flushing to it at exit
        # would fail (status 120)
        quiet = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(quiet, fd)
        os.close(quiet)
        return 0
    return app.return_code or 0
