"""A document opened for a client: chosen from the menu, a monthly report's month asked
first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.context import Context
from screens.documents import DocumentMenu, DocumentScreen
from screens.fields import Field, Values
from screens.forms import FormScreen
from tracker.documents import DOCUMENTS, report_month

if TYPE_CHECKING:
    pass



def open_document(ctx: Context, client_id: str, name: str, *,
                  request_id: str | None = None, call_id: str | None = None) -> None:
    """Show document ``name``; a monthly report first asks which month."""
    if DOCUMENTS[name].needs != "month":
        ctx.push_screen(DocumentScreen(client_id, name, request_id=request_id,
                                       call_id=call_id))
        return
    today = ctx.snapshot.today
    fields = [Field("month", "Month (YYYY-MM)", "month", f"{report_month(today):%Y-%m}",
                    required=True)]
    def chosen(v: Values | None) -> None:
        if v is not None:
            ctx.push_screen(DocumentScreen(client_id, name, month=v.day("month")))

    ctx.push_screen(FormScreen("Monthly report", fields, today, submit="Write"), chosen)


def choose_document(ctx: Context, client_id: str, client_name: str,
                    request_id: str | None = None) -> None:
    def chosen(name: str | None) -> None:
        if name is not None:
            open_document(ctx, client_id, name, request_id=request_id)

    ctx.push_screen(DocumentMenu(client_name), chosen)
