"""The scopekeeper TUI: Review (home), Clients, Team and a detail screen per client.

The app composes the screens and is the :class:`screens.context.Context` they run in; no
screen imports this module. Only Review is imported with it: every other screen, dialog and
the storage engine are imported where first used (the imports inside functions below), as
the first frame needs none of them and importing them first costs 90-200 ms for the screens
and 27-63 ms for the engine (measured after ``import screens.app``, three runs each).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.screen import ModalScreen, Screen

from screens.bindings import Keys
from screens.context import Draft, enter
from screens.crash import ReportsCrashes
from screens.drafts_notice import offer_drafts
from screens.in_step import FIRST_FRAME_SECONDS, KeepsInStep
from screens.key_order import KeysInOrder
from screens.lifecycle import ClosesCleanly
from screens.lifeline import Lifeline, driver_for
from screens.notices import tell
from screens.review import ReviewScreen
from storage.errors import StorageError
from storage.snapshot import Snapshot
from tracker.text import clean_line

if TYPE_CHECKING:
    # the storage engine is imported after the first frame (see the module's docstring)
    from storage.actions import Actions, Unmerged
    from storage.workspace import Workspace

T = TypeVar("T")


def collect_again() -> None:
    """The cyclic collector back on once the first frame is drawn (``cmd_tui`` keeps it off
    for the start); what the start made lives as long as the app (Textual, the screen), so
    it is frozen out of the collector's passes."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


# Keys are held in order (KeysInOrder) before the closing app drops them (ClosesCleanly):
# a key handed out late still meets the check.
class ScopekeeperApp(ReportsCrashes, KeysInOrder, ClosesCleanly, KeepsInStep):
    TITLE = "scopekeeper"
    # the home screen's rules are read with the app's: a screen's own CSS_PATH is read when
    # it is first shown, and re-applies every rule to every widget (~10 ms)
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "review.tcss"]
    # Screens other than Review are imported when first shown: the queue appears sooner.
    COMMANDS = App.COMMANDS | {lambda: _palette()}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {  # Textual's own type
        "review": ReviewScreen,
        "clients": lambda: _clients(),
        "team": lambda: _team(),
    }
    # the app starts on Review itself, not on Textual's blank default screen first (composing
    # and resuming that one cost 13 ms of the first frame: bench, median of 7)
    DEFAULT_MODE: ClassVar[str] = "review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "show('review')", "Review", id="app.review"),
        Binding("c", "show('clients')", "Clients", id="app.clients"),
        Binding("t", "show('team')", "Team", id="app.team"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="app.reload"),
        Binding("question_mark", "toggle_help", "Help", key_display="?", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, workspace: Workspace | Callable[[], Workspace],
                 keymap: Mapping[str, str] | None = None,
                 snapshot: Snapshot | None = None, *, templates: Path | None = None,
                 agency_name: str = "", drafts: Path | None = None,
                 data_file: str = "", editor: str = "vi", home: Path | None = None,
                 now: Callable[[], datetime] | None = None,
                 crashes: Path | None = None, scratch: Path | None = None) -> None:
        """``workspace`` may be a function that opens it: with a kept review to show as
        ``snapshot``, the storage engine is then imported and opened after the first frame.
        ``editor`` edits notes, ``home`` is where documents are saved by default (else the
        working directory), ``now`` the clock of drafts (else the workspace's) and of crash
        reports, written under ``crashes`` (see :mod:`screens.crash`)."""
        super().__init__()
        self._open = workspace if callable(workspace) else None
        self._workspace: Workspace | None = None if callable(workspace) else workspace
        self._opening = threading.Lock()
        self._snapshot: Snapshot | None = snapshot
        # the person's keymap (binding id -> keys), read by the hints that name keys (app.keys)
        self.user_keymap = dict(keymap or {})
        self.templates = templates  # the agency's own document templates, if any
        self.agency_name = agency_name
        self.drafts = drafts  # where open forms are kept on a hang-up (None: not kept)
        self.hung_up = False
        self.data_file = data_file or (self._workspace.where if self._workspace else "")
        self.editor = editor
        self.home = home
        self._now = now
        self.crashes, self.crash_clock = crashes, now
        self.scratch = scratch  # a private folder for the editor's file (None: a new one)
        self.lifeline = Lifeline(self.hang_up)  # the process ends once the terminal is lost
        self.last_form: Draft | None = None  # the form whose save is being attempted
        self._unsettled: Draft | None = None  # it, while its save waits in the dialog
        enter(self)  # findable by its screens as their Context (screens/context.py)

    @property
    def workspace(self) -> Workspace:
        with self._opening:  # opened by the first reader, on whichever thread
            if self._workspace is None:
                assert self._open is not None
                self._workspace = self._open()
            return self._workspace

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = self.workspace.snapshot()
        return self._snapshot

    @property
    def act(self) -> Actions:
        return self.workspace.act

    @property
    def keys(self) -> Keys:
        """Every binding, with the person's keymap: what key hints, help and palette read."""
        from screens.keys import catalogue  # every screen: when a hint, ? or the palette asks

        return Keys(catalogue(ScopekeeperApp), self.user_keymap, self.get_key_display)

    def on_mount(self) -> None:
        self.set_timer(FIRST_FRAME_SECONDS, collect_again)  # whatever happens below
        self._catch_hang_up()
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        if self._snapshot is not None and self._snapshot.partial:
            # the queue came from the cache: read the records once it is on screen (a
            # moment later, so the reading does not hold up the first frame's output)
            self.set_timer(FIRST_FRAME_SECONDS, self.read_now)
        elif not self.snapshot.has_clients and self.workspace.is_empty():
            from screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(self.workspace.where), self._first_run)
        self.start_watching()
        self.set_timer(FIRST_FRAME_SECONDS, self._offer_drafts)  # after the first frame

    # ------------------------------------------------------------ hang-up and drafts

    def get_driver_class(self) -> Any:
        return driver_for(super().get_driver_class())

    def _catch_hang_up(self) -> None:
        """A dropped SSH connection (SIGHUP, or end-of-file on the terminal) or SIGTERM:
        exit cleanly, keeping any open form as a draft, and end within seconds whatever
        happens (screens/lifeline.py)."""
        if not self.is_headless:
            self.lifeline.attach(asyncio.get_running_loop())

    def terminal_lost(self) -> None:
        """Called by the driver, from its thread, when the terminal hangs up."""
        self.lifeline.lose()

    def hang_up(self) -> None:
        """Keep every open form (and one waiting in the conflict dialog) as a draft, then
        exit. Nothing here may stop the exit: the terminal is gone."""
        from screens.conflict import ConflictScreen
        from screens.forms import FormScreen

        try:
            clock = self._now or self.workspace.store.now
            now = clock().astimezone()  # the draft's time as the person reads it
            forms: list[Draft] = [s for s in self.screen_stack if isinstance(s, FormScreen)]
            if self._unsettled is not None and any(
                    isinstance(s, ConflictScreen) for s in self.screen_stack):
                forms.append(self._unsettled)
            for form in forms:
                with contextlib.suppress(Exception):  # one form's trouble must not keep the others
                    form.keep_draft(now)
        finally:
            self.hung_up = True
            self.exit(return_code=0)

    def _offer_drafts(self) -> None:
        if self.drafts is not None:
            offer_drafts(self, self.drafts, self.data_file)

    def _first_run(self, choice: str | None) -> None:
        if choice == "demo":
            try:
                self.workspace.load_demo()
            except StorageError as e:
                tell(self, str(e), title="Could not write the demo agency", severity="error",
                     timeout=30)
                return
            self.action_reload()
            tell(self, "Demo agency loaded.")

    # ------------------------------------------------------------ saving

    def attempt(self, action: Callable[[], T], done: str = "") -> T | None:
        """Run one save; explain any refusal. A save over someone else's change meanwhile
        is merged by the workspace; fields both changed differently are put to the person
        (:class:`screens.conflict.ConflictScreen`), field by field."""
        from storage.actions import Unmerged
        from storage.errors import Conflict
        from tracker.decisions import DecisionError
        from tracker.validation import ValidationError

        form, self.last_form = self.last_form, None  # kept as a draft if the save clashes
        try:
            result = action()
        except Unmerged as e:
            self._unsettled = form
            self._choose(e)
            return None
        except Conflict as e:
            tell(self, f"{e}. Nothing was saved; the screen now shows the latest data.",
                 title="Not saved", severity="error", timeout=10)
            self.action_reload()
            return None
        except (ValidationError, DecisionError, StorageError) as e:
            tell(self, clean_line(str(e)), title="Not saved", severity="error", timeout=8)
            return None
        if done:
            tell(self, clean_line(done))
        self.action_reload()
        return result

    def _choose(self, clash: Unmerged) -> None:
        from screens.conflict import ConflictScreen

        def chosen(keep: frozenset[str] | None) -> None:
            form, self._unsettled = self._unsettled, None
            if keep is None:
                tell(self, "Your change was not saved; the screen shows the latest data.")
                self.action_reload()
                return
            self.last_form = form  # kept again should it clash once more
            self.attempt(lambda: self.act.settle(clash, keep), "Saved, with your choices.")

        snap = self.snapshot
        self.push_screen(ConflictScreen(clash, snap.person_named(clash.by),
                                        snap.currency_of(clash.theirs), snap.today), chosen)

    # ------------------------------------------------------------ misc

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.allows(action, self.screen)

    @staticmethod
    def allows(action: str, screen: object) -> bool:
        """Whether an app-wide action may run with ``screen`` in front: a letter typed in a
        dialog must never switch screens or quit behind it."""
        return not (action in ("show", "switch_mode", "quit")
                    and isinstance(screen, ModalScreen))

    async def action_show(self, mode: str) -> None:
        """Review, Clients or Team, at its top: ``c`` shows the list of clients, also from a
        client opened from it (switching to the mode one is in did nothing)."""
        if self.current_mode != mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ModalScreen):
            await self.pop_screen()

    def open_client(self, client_id: str, tab: str = "overview") -> None:
        from screens.client.screen import ClientScreen

        self.push_screen(ClientScreen(client_id, tab))

    def action_toggle_help(self) -> None:
        self.action_show_help_panel()

    def action_show_help_panel(self) -> None:
        """The app's keys for the screen in front (also the palette's "Keys" command)."""
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_hide_help_panel(self) -> None:
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)


# Imported when first shown (see MODES): the first frame does without them.
def _clients() -> Screen[None]:
    from screens.clients import ClientsScreen

    return ClientsScreen()


def _team() -> Screen[None]:
    from screens.team import TeamScreen

    return TeamScreen()


def _palette() -> type[Provider]:
    from screens.palette import AgencyCommands

    return AgencyCommands
