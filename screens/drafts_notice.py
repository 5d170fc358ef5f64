"""The notice, just after the first frame, of forms kept as drafts when a connection dropped:
it names them, and goes once a form is opened (it would cover the form) or after a while."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from screens.notices import tell

#: How long the "Unsaved drafts" notice stays (unless a form is opened first).
DRAFTS_NOTICE_SECONDS = 20


def offer_drafts(app: App[None], drafts: Path, data_file: str) -> None:
    """Tell of the drafts kept under ``drafts`` for ``data_file``, if there are any."""
    # imported here, as the forms below: the first frame is drawn without them
    from storage.drafts import pending

    kept = pending(drafts, data_file)
    if not kept:
        return
    names = "; ".join(f"'{d.title}' ({d.saved})" for d in kept)
    tell(app, f"Kept when your connection dropped: {names}. Open the same form to carry on: "
         "it is filled in.", title="Unsaved drafts", timeout=DRAFTS_NOTICE_SECONDS)

    def gone() -> None:
        app.screen_change_signal.unsubscribe(app)

    def hide(screen: object) -> None:
        """The notice says to open the form: once a form is open it would only cover it
        (toasts are drawn over every screen, where the form's fields and buttons are)."""
        from screens.forms import FormScreen

        if isinstance(screen, FormScreen):
            gone()
            app.clear_notifications()

    app.screen_change_signal.subscribe(app, hide)
    app.set_timer(DRAFTS_NOTICE_SECONDS, gone)
