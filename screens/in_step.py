"""Keeping in step with the data: other people's saves are looked for whenever the storage
says to (``Storage.looks``: at a database's notification, every second for a file), and a
newer snapshot is read in the background and shown on the screen in front."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.worker import get_current_worker

from screens.lifeline import QUIT_DEADLINE, end_within
from screens.notices import tell
from storage.errors import StorageError

if TYPE_CHECKING:
    from storage.snapshot import Snapshot
    from storage.workspace import Workspace

#: How long the app leaves its first frame alone before reading anything more.
FIRST_FRAME_SECONDS = 0.15


class KeepsInStep(App[None]):
    """The app's reading side: its current snapshot, and how it is renewed."""

    _workspace: Workspace | None = None  # None until opened (after the first frame)
    _snapshot: Snapshot | None = None
    _watcher: asyncio.Task[None] | None = None
    _reading = False  # a background read is under way
    _again = False  # and someone may have saved since it began

    @property
    def workspace(self) -> Workspace:
        raise NotImplementedError  # the app opens it

    def start_watching(self) -> None:
        """Look for other people's saves from now until the app ends: a task, not a worker,
        since it never finishes (whoever waits for the app's work to be done must not wait
        for it); an error in it is the app's, as a worker's would be."""
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        if self._reading and not self.is_headless:  # a read under way (the day's first
            # review on a large database takes seconds): the person who quit does not wait
            end_within(QUIT_DEADLINE, lambda: self.return_code or 0)

    async def _watch(self) -> None:
        """Look whenever the storage says to (once it is open)."""
        try:
            while self._workspace is None:
                await asyncio.sleep(FIRST_FRAME_SECONDS)
            async for _ in self._workspace.store.looks():
                self._poll()
        except Exception as e:  # reported as the app's crash, not lost
            self._handle_exception(e)

    def _poll(self) -> None:
        """Look, in the background: whether anyone saved is itself a read of the storage
        (a query, on a database), never made on the thread that draws. One look at a time:
        a look asked for meanwhile is made once this one is done."""
        if self._workspace is None:
            return  # still opening after the first frame (or that failed, shown; ctrl+r retries)
        self.read_now(only_if_changed=True)

    def read_now(self, only_if_changed: bool = False) -> None:
        """Read afresh in the background (the records, after a first frame drawn from a
        kept review; or, looking, only if anyone saved), one read at a time."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        self._refresh_in_background(only_if_changed)

    @work(thread=True, group="snapshot")
    def _refresh_in_background(self, only_if_changed: bool = False) -> None:
        snap: Snapshot | None = None
        try:
            if not only_if_changed or self.workspace.changed():
                snap = self.workspace.snapshot()
                # kept for the next start, tomorrow's too: the next morning's first start
                # and digest then find it ready if nobody saved overnight
                self.workspace.keep(snap, ahead=True)
        except StorageError as e:
            self.call_from_thread(self._show_error, e)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._read, snap)

    def _read(self, snap: Snapshot | None) -> None:
        self._reading = False
        if snap is not None:
            self._use(snap)
        if self._again:
            self._again = False
            self._poll()

    def _show_error(self, error: StorageError) -> None:
        tell(self, str(error), title="Could not read the agency's data", severity="error")

    def _use(self, snap: Snapshot) -> None:
        self._snapshot = snap
        for screen in self.screen_stack:
            if hasattr(screen, "redraw") and screen.is_current:
                screen.redraw()

    def action_reload(self) -> None:
        """Read afresh now (after a save: what it changed is then shown); while the first
        read is still to come (or failed), in the background, as that read is (on a large
        database it takes seconds: the screen would stop answering keys meanwhile)."""
        if self._snapshot is not None and self._snapshot.partial:
            self.read_now()
            return
        try:
            snap = self.workspace.snapshot()
            self.workspace.keep(snap)
        except StorageError as e:
            self._show_error(e)
            return
        self._use(snap)
