"""When the app stops on a bug: one short line on the terminal, the details in a private file.

Textual's own handling prints a Rich traceback with every frame's local variables, which
once put 20,000 lines of client records (contacts, fees, NPS comments) on a shared screen.
:class:`ReportsCrashes` replaces it (``App._handle_exception``, the one hook Textual calls
for every unhandled error: handlers, timers, workers, compose): the open forms are kept as
drafts, the plain traceback goes to ``crash-YYYYMMDD-HHMMSS.log`` (0600) under the person's
state directory, and the terminal gets one line naming that file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from screens.notices import last_words
from storage.crash_log import report
from tracker.text import clean_line


class ReportsCrashes:
    """Mixed into the :class:`App`, which sets ``crashes`` (the folder of reports; None:
    none written) and ``crash_clock`` (its injected clock)."""

    crashes: Path | None = None
    crash_clock: Callable[[], datetime] | None = None
    crash_report: str = ""  # the line shown, once it crashed

    def _handle_exception(self, error: Exception) -> None:
        app: Any = self
        app._return_code = 1
        if app._exception is None:  # what Pilot re-raises in a test, as Textual does
            app._exception = error
            app._exception_event.set()
        if not self.crash_report:  # the first error says it; what follows is its echo
            self.crash_report = self._report(error)
        app.closing = True
        app._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Instead of Textual's report (a traceback with local variables): the one line."""
        app: Any = self
        if not self.crash_report:
            super()._print_error_renderables()  # type: ignore[misc]
            return
        app._exit_renderables.clear()
        last_words(app.error_console, self.crash_report)

    def _report(self, error: Exception) -> str:
        kept = ""
        try:
            if self.keep_drafts():
                kept = "; what you were typing is kept as a draft"
        except Exception:  # a draft that cannot be kept must not hide the report
            kept = ""
        try:
            when = self.crash_clock() if self.crash_clock else None
        except Exception:
            when = None
        line = report(error, self.crashes, when.astimezone() if when else None, "the app")
        return clean_line(line + kept)

    def keep_drafts(self) -> bool:
        """Keep the open forms that hold typing as drafts; whether any was kept."""
        from screens.forms import FormScreen  # on first use: forms cost ~100 ms at start-up

        if self.crash_clock is None:
            return False
        now = self.crash_clock().astimezone()
        forms = [s for s in getattr(self, "screen_stack", ())
                 if isinstance(s, FormScreen) and s.dirty()]
        for form in forms:
            form.keep_draft(now)
        return bool(forms) and getattr(self, "drafts", None) is not None
