"""What the flows share: one client's records, a form's values, and opening a form whose
values are saved when the person gives them (nothing when they cancel)."""

from __future__ import annotations

from collections.abc import Callable

from screens.context import Context
from screens.fields import Values
from screens.forms import FormScreen
from screens.notices import tell
from storage.errors import StorageError
from storage.snapshot import Snapshot
from tracker.money import amount_text


def client_view(ctx: Context, client_id: str) -> Snapshot | None:
    """The app's snapshot with this client's records (``Workspace.focus``: read now where
    the snapshot is a summary); None if they cannot be read (the person is told why, and
    the flow goes no further: a form filled from records it could not read would mislead)."""
    try:
        return ctx.workspace.focus(ctx.snapshot, client_id)
    except StorageError as e:
        tell(ctx, str(e), title="Could not read this client", severity="error")
        return None


def still_reading(ctx: Context) -> bool:
    """Whether the agency is still being read (the app's first read after a kept review,
    or a database working out the day's first review: seconds on a large agency); the
    person is told so. Adding someone then would wait for that read on the screen's thread:
    the app would stop answering keys until it is done."""
    if ctx.snapshot.partial:
        tell(ctx, "The agency is still being read: add them in a moment, once the lists "
             "are shown.", title="Not yet")
        return True
    return False


def money_text(cents: int) -> str:
    """An amount as a form's money field shows it (empty for none)."""
    return amount_text(cents) if cents else ""


def open_form(ctx: Context, form: FormScreen, save: Callable[[Values], object]) -> None:
    def done(values: Values | None) -> None:
        if values is not None:
            save(values)

    ctx.push_screen(form, done)
