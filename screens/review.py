"""Review: today's ranked queue, the why of each item, and its action one key away."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Static

from screens.base import AgencyScreen
from screens.cells import cell, lines_of, urgency_cell
from screens.keybar import KeyBar
from screens.tables import KeyTable
from storage.snapshot import Snapshot
from tracker.kinds import CALL_KINDS, InteractionKind
from tracker.review_items import ReviewCategory, ReviewItem, ReviewKind, counts_by_category
from tracker.text import clean_line

if TYPE_CHECKING:  # none of them is imported for the first frame (see the actions below)
    from screens.fields import Values
    from tracker.models import Client
    from tracker.warning_signs import Sign

K = InteractionKind
C = ReviewCategory
COUNT_WORDS = ((C.OVERDUE, "overdue"), (C.DUE, "due"), (C.SIGN, "signs"),
               (C.REQUEST, "requests"), (C.SUMMARY, "summaries"))
COLUMNS = [("Urg", "urgency", 3), ("Client", "client", 20), ("Why", "why", 0)]

#: What logging an item means: the interaction that satisfies it.
LOG_KIND = {
    "status_call": K.STATUS_CALL,
    "monthly_report": K.MONTHLY_REPORT_SENT,
    "contact": K.EMAIL,
    "visit": K.IN_PERSON_VISIT,
    ReviewKind.CALL_SUMMARY: K.CALL_SUMMARY_SENT,
}


def log_kind(item: ReviewItem) -> InteractionKind | None:
    if item.kind is ReviewKind.CALL_SUMMARY:
        return LOG_KIND[ReviewKind.CALL_SUMMARY]
    if item.kind.cadence is not None:
        return LOG_KIND[item.kind.cadence]
    return None


def document_for(item: ReviewItem) -> str | None:
    """The document an item asks for: the call summary, the two options for a request,
    the conversation prep for a warning sign."""
    if item.kind is ReviewKind.CALL_SUMMARY:
        return "call_summary"
    if item.kind is ReviewKind.CHANGE_REQUEST:
        return "stay_focused"
    if item.kind.category is ReviewCategory.SIGN:
        return "save_mode_prep"
    return None


def review_cells(i: ReviewItem) -> tuple[Text, Text, Text]:
    """A review item's row (made when the row is added: see ``screens/tables.py``)."""
    return urgency_cell(i.urgency), cell(i.client, "bold"), cell(i.why)


def counts_line(items: tuple[ReviewItem, ...], stale: bool = False, width: int = 78) -> Text:
    """``24 to review · 7 overdue · 2 due · …``; what does not fit in ``width`` goes on a
    second line, never a count cut in half."""
    counts = counts_by_category(items)
    head = Text.assemble((f"{len(items)} to review", "bold"))
    if stale:  # first, so that 80 columns never cut it off
        head.append(" (updating…)", style="italic")
    parts = [head, *(Text(f"{counts[key]} {word}", style="bold red" if key is C.OVERDUE else "")
                     for key, word in COUNT_WORDS if counts[key])]
    return lines_of(parts, width, sep=" · ")


#: What each of the Review's item actions needs of the selected item.
ITEM_ACTIONS: dict[str, Callable[[ReviewItem], bool]] = {
    "log": lambda i: log_kind(i) is not None,
    "decide": lambda i: i.kind is ReviewKind.CHANGE_REQUEST,
    "acknowledge": lambda i: i.kind.category is ReviewCategory.SIGN,
    "resolve": lambda i: i.kind.category is ReviewCategory.SIGN,
    "snooze": lambda i: True,
    "write": lambda i: document_for(i) is not None,
    "open": lambda i: True,
}


class ReviewScreen(AgencyScreen):
    AUTO_FOCUS = "#review-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "log", "Log it", id="review.log"),
        Binding("d", "decide", "Decide", id="review.decide"),
        Binding("a", "acknowledge", "Acknowledge", id="review.acknowledge"),
        Binding("x", "resolve", "Resolve", id="review.resolve"),
        Binding("s", "snooze", "Snooze", id="review.snooze"),
        Binding("w", "write", "Write", id="review.write"),
        Binding("enter,o", "open", "Open client", id="review.open"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-counts")
        yield KeyTable(id="review-table")
        yield Static(id="review-why")
        yield KeyBar()

    def show(self, snapshot: Snapshot) -> None:
        self.sub_title = f"Review · {snapshot.today:%a %d %b %Y}"
        items = snapshot.review
        counts = self.query_one("#review-counts", Static)
        table = self.query_one("#review-table", KeyTable)
        table.sync(COLUMNS, self.app.size.width, [(i.key, partial(review_cells, i))
                                                  for i in items])
        if snapshot.awaited:
            counts.update(Text("Working out today's review (the day's first, for everyone: "
                               "a few seconds on a large agency)…", style="italic"))
        elif not items:
            empty = "No clients yet." if not snapshot.has_clients else (
                "All clear: nothing needs attention today.")
            counts.update(Text(empty, style="bold green"))
        else:
            counts.update(counts_line(items, snapshot.stale, self.app.size.width - 2))
        self._explain()
        self.update_bindings()

    def selected(self) -> ReviewItem | None:
        key = self.query_one("#review-table", KeyTable).selected_key()
        if self.shown is None or key is None:
            return None
        return next((i for i in self.shown.review if i.key == key), None)

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._explain()
        self.update_bindings()

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_open()

    def _explain(self) -> None:
        why = self.query_one("#review-why", Static)
        item = self.selected()
        if item is None:
            why.update("")
            return
        due = f" · since {item.due:%d %b %Y}" if item.due else ""
        label = item.kind.label
        # a sign's reason starts with its name already ("budget cut: ..."): not twice
        named = () if item.why.startswith(label) else ((label, "italic"), ": ")
        why.update(Text.assemble((clean_line(item.client), "bold"), " — ", *named,
                                 clean_line(item.why), (due, "dim")))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The bar shows what the selected item allows (False hides the rest); snooze and
        open are greyed (None) without an item, and all of them until the records are read."""
        applies = ITEM_ACTIONS.get(action)
        if applies is None:
            return True
        item = self.selected()
        if item is None:
            return None if action in ("snooze", "open") else False
        if not applies(item):
            return False
        return None if self.shown is None or self.shown.partial else True

    # ---------------------------------------------------------------- actions
    # The forms, dialogs and flows these actions open are imported on first use: Review is
    # the first frame, and importing them with it costs 90-200 ms (measured: importing every
    # other screen after screens.app, three runs on the 2-core dev machine).

    def _client(self, item: ReviewItem) -> Client | None:
        a = self.shown.assessment(item.client_id) if self.shown else None
        return a.client if a else None

    def action_log(self) -> None:
        from screens.fields import Field
        from screens.forms import FormScreen
        from tracker.dates import Sense

        item = self.selected()
        kind = log_kind(item) if item else None
        client = self._client(item) if item else None
        if item is None or kind is None or client is None:
            return
        fields = [Field("note", "Note (optional)")]
        if item.kind.cadence == "contact":
            fields.append(Field("kind", "How", "choice", kind.value, choices=tuple(
                (k.label, k.value) for k in (K.EMAIL, K.STATUS_CALL, K.UNSCHEDULED_CALL,
                                             K.MEETING, K.IN_PERSON_VISIT))))
        if kind in CALL_KINDS or item.kind.cadence == "contact":
            from screens.flows.entries import attendee_fields

            fields += attendee_fields(self.context, client)
        fields.append(Field("on", "When", "date", "today", required=True,
                            sense=Sense.PAST))

        def save(values: Values | None) -> None:
            if values is None:
                return
            how = InteractionKind(values.text("kind", kind))
            calls = how in CALL_KINDS
            self.context.attempt(lambda: self.context.act.log(
                client, how, values.day("on"), values.text("note"),
                values.names("ours") if calls else (),
                values.names("theirs") if calls else ()),
                f"Logged {how.label} with {clean_line(client.name)}.")

        self.app.push_screen(FormScreen(f"Log {kind.label} · {clean_line(client.name)}",
                                        fields, self.context.snapshot.today,
                                        enter_submits=True), save)

    def _sign(self, item: ReviewItem) -> Sign | None:
        a = self.shown.assessment(item.client_id) if self.shown else None
        return next((s for s in a.signs if s.key == item.subject), None) if a else None

    def action_acknowledge(self) -> None:
        from screens.flows.signs import acknowledge_sign

        item = self.selected()
        sign = self._sign(item) if item else None
        if item is not None and sign is not None:
            acknowledge_sign(self.context, sign, item.client)

    def action_resolve(self) -> None:
        from screens.flows.signs import resolve_sign

        item = self.selected()
        sign = self._sign(item) if item else None
        if item is not None and sign is not None:
            resolve_sign(self.context, sign, item.client)

    def action_snooze(self) -> None:
        from screens.fields import Field
        from screens.forms import FormScreen
        from tracker.dates import Sense

        item = self.selected()
        if item is None or self.shown is None:
            return
        today = self.shown.today

        def save(values: Values | None) -> None:
            if values is not None:
                self.context.attempt(lambda: self.context.act.snooze(item.key, values.day("until")),
                                     f"Snoozed until {values['until']:%a %d %b}.")

        self.app.push_screen(FormScreen(
            f"Snooze · {clean_line(item.client)}: {item.kind.label}",
            [Field("until", "Show it again on", "date",
                   (today + timedelta(days=7)).isoformat(), required=True, sense=Sense.DUE,
                   after_today=True)],
            today, submit="Snooze", enter_submits=True),
            save)

    def action_decide(self) -> None:
        item = self.selected()
        if item is not None and item.kind is ReviewKind.CHANGE_REQUEST:
            from screens.flows.decisions import open_decision

            open_decision(self.context, item.client_id, item.subject)

    def action_write(self) -> None:
        item = self.selected()
        name = document_for(item) if item else None
        if item is None or name is None:
            return
        from screens.flows.documents import open_document

        subject = {"call_id": item.subject} if name == "call_summary" else (
            {"request_id": item.subject} if name == "stay_focused" else {})
        open_document(self.context, item.client_id, name, **subject)

    def action_open(self) -> None:
        item = self.selected()
        if item is not None:
            tab = ("signs" if item.kind.category is ReviewCategory.SIGN else "requests"
                   if item.kind is ReviewKind.CHANGE_REQUEST else "cadence")
            self.context.open_client(item.client_id, tab)
