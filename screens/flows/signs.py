"""A warning sign acknowledged (seen, being handled) or resolved."""

from __future__ import annotations

from rich.text import Text

from screens.context import Context
from screens.fields import Field
from screens.flows.forms import open_form
from screens.forms import FormScreen
from tracker.text import clean_line
from tracker.warning_signs import Sign


def acknowledge_sign(ctx: Context, sign: Sign, client: str) -> None:
    """Acknowledge a warning sign with a note of the action taken (it stays until resolved)."""
    intro = Text.assemble(("Suggested: ", "bold"), clean_line(sign.response))
    open_form(ctx, FormScreen(f"Acknowledge: {sign.code.label} · {clean_line(client)}",
                          [Field("note", "What was done about it", required=True)],
                          ctx.snapshot.today, intro=intro, enter_submits=True),
          lambda v: ctx.attempt(lambda: ctx.act.acknowledge(sign, v.text("note")),
                                "Acknowledged; it stays under Signs until resolved."))


def resolve_sign(ctx: Context, sign: Sign, client: str) -> None:
    open_form(ctx, FormScreen(f"Resolve: {sign.code.label} · {clean_line(client)}",
                          [Field("note", "How it was resolved (optional)")],
                          ctx.snapshot.today, submit="Resolve", enter_submits=True),
          lambda v: ctx.attempt(lambda: ctx.act.resolve(sign, v.text("note")), "Resolved."))
