"""What the flows share: a form's values, and opening a form whose values are saved when the
person gives them (nothing when they cancel)."""

from __future__ import annotations

from collections.abc import Callable

from screens.context import Context
from screens.fields import Values
from screens.forms import FormScreen
from tracker.money import amount_text


def money_text(cents: int) -> str:
    """An amount as a form's money field shows it (empty for none)."""
    return amount_text(cents) if cents else ""


def open_form(ctx: Context, form: FormScreen, save: Callable[[Values], object]) -> None:
    def done(values: Values | None) -> None:
        if values is not None:
            save(values)

    ctx.push_screen(form, done)
