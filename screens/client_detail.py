"""One client: overview, scope, change requests, timeline, cadence, signs and health."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import ContentSwitcher, DataTable, Header, Static

from screens.base import AgencyScreen
from screens.cells import cell, day_cell, lines_of
from screens.client_views import (
    CAD_COLS,
    HISTORY_COLS,
    REQ_COLS,
    SCOPE_COLS,
    SIGN_COLS,
    TABS,
    TIME_COLS,
    TIMELINE_PAGE,
    fee_cell,
    health_view,
    local_time,
    overview,
    timeline,
)
from screens.flows.clients import archive_client, edit_client
from screens.flows.decisions import open_decision
from screens.flows.documents import choose_document
from screens.flows.entries import (
    ACCESS,
    ACTIVITY,
    BUDGET,
    FORMS,
    NPS,
    log_contact_change,
    log_interaction,
    open_entry,
)
from screens.flows.scope import edit_scope, new_request
from screens.flows.signs import acknowledge_sign, resolve_sign
from screens.forms import FormScreen
from screens.keybar import KeyBar
from screens.lifecycle import while_shown
from screens.notices import tell
from screens.tables import KeyTable
from storage.snapshot import Snapshot
from tracker.cadence import Cadence, CadenceState
from tracker.labels import count
from tracker.models import ChangeStatus, ScopeStatus
from tracker.review import ClientAssessment
from tracker.text import clean_line
from tracker.warning_signs import Sign


class ClientScreen(AgencyScreen):
    CSS_PATH = "client_detail.tcss"
    # One key, one action on every tab: a key that only makes sense on some tabs is
    # switched off (and left out of the key bar) on the others, never given another meaning.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="client.back"),
        Binding("n", "add", "New", id="client.add"),
        Binding("e", "edit", "Edit", id="client.edit"),
        Binding("a", "acknowledge", "Acknowledge", id="client.acknowledge"),
        Binding("x", "resolve", "Resolve", id="client.resolve"),
        Binding("d", "decide", "Decide", id="client.decide"),
        Binding("f", "complete", "Finish", id="client.complete"),
        Binding("D", "drop", "Drop", id="client.drop"),
        Binding("L", "log", "Log", id="client.log"),
        Binding("N", "nps", "NPS", id="client.nps"),
        Binding("m", "more", "More", id="client.more"),
        Binding("w", "documents", "Write", id="client.documents"),
        Binding("T", "activity", "Activity/test", show=False, id="client.activity"),
        Binding("B", "budget", "Budget", show=False, id="client.budget"),
        Binding("A", "access", "Access grant", show=False, id="client.access"),
        Binding("C", "contact", "Contact change", show=False, id="client.contact"),
        Binding("X", "archive", "Archive", show=False, id="client.archive"),
        *[Binding(str(n + 1), f"tab('{t}')", t.title(), show=False, id=f"client.tab{n + 1}")
          for n, t in enumerate(TABS)],
    ]
    #: The tabs on which an action works (an action not named here works on every tab).
    ACTIONS_BY_TAB: ClassVar[dict[str, tuple[str, ...]]] = {
        "edit": ("overview", "scope", "cadence"),
        "add": ("scope", "requests"),
        "acknowledge": ("signs",),
        "resolve": ("signs",),
        "decide": ("requests",),
        "complete": ("scope",),
        "drop": ("scope",),
        "more": ("timeline",),
    }
    #: The key bar's main actions on each tab (Back is always there; ? lists the rest).
    BAR_BY_TAB: ClassVar[dict[str, tuple[str, ...]]] = {
        "overview": ("edit", "log", "documents"),
        "scope": ("add", "edit", "complete", "drop"),
        "requests": ("add", "decide", "documents"),
        "timeline": ("log", "nps", "more", "documents"),
        "cadence": ("edit", "log", "documents"),
        "signs": ("acknowledge", "resolve", "documents"),
        "health": ("log", "nps", "documents"),
        "history": ("log", "documents"),
    }

    def __init__(self, client_id: str, tab: str = "overview") -> None:
        super().__init__()
        self.client_id = client_id
        self.first_tab = tab
        self.timeline_rows = TIMELINE_PAGE

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="client-tabbar")
        with ContentSwitcher(initial=self.first_tab, id="client-panes"):
            for tab in TABS:
                yield Vertical(id=tab)
        yield KeyBar()

    def _tabbar(self) -> None:
        # eight tabs in 80 columns, one space apart; narrower, the last ones on a second line
        labels = [Text(f"{n} {tab.title()}", style="reverse bold" if tab == self.tab else "")
                  for n, tab in enumerate(TABS, start=1)]
        self.query_one("#client-tabbar", Static).update(
            lines_of(labels, self.app.size.width, sep=" ", lead=" "))

    @staticmethod
    def _widgets(tab: str) -> list[Widget]:
        """What a tab holds; mounted when the tab is first shown, so opening stays fast."""
        if tab in ("overview", "health"):
            return [VerticalScroll(Static(id=f"{tab}-body"))]
        if tab == "timeline":
            return [Static(id="timeline-count"), KeyTable(id="timeline-table")]
        if tab == "cadence":
            return [KeyTable(id="cadence-table"), Static(id="cadence-note")]
        if tab == "signs":
            return [KeyTable(id="signs-table"), Static(id="signs-detail")]
        if tab == "history":
            return [Static(id="history-note"), KeyTable(id="history-table")]
        return [KeyTable(id=f"{tab}-table")]

    @property
    def tab(self) -> str:
        return self.query_one("#client-panes", ContentSwitcher).current or self.first_tab

    def assessment(self) -> ClientAssessment | None:
        return self.shown.assessment(self.client_id) if self.shown else None

    def show(self, snapshot: Snapshot) -> None:
        if snapshot.partial:
            self.sub_title = "reading the agency…"
            return
        a = snapshot.assessment(self.client_id)
        if a is None:
            self.sub_title = "this client no longer exists"
            return
        self.sub_title = f"{clean_line(a.client.name)} · {snapshot.today:%a %d %b %Y}"
        self._drawn: set[str] = set()
        self._draw(self.tab)

    @while_shown
    def _draw(self, tab: str) -> None:
        """Fill one tab; the others are filled when first shown."""
        self._tabbar()
        pane = self.query_one(f"#{tab}", Vertical)
        if not pane.children:
            pane.mount_all(self._widgets(tab))
            self.call_after_refresh(self._draw, tab)
            return
        a, snapshot = self.assessment(), self.shown
        if a is None or snapshot is None or tab in self._drawn:
            return
        self._drawn.add(tab)
        self._focus_tab()
        width = self.app.size.width - 2
        if tab == "overview":
            self.query_one("#overview-body", Static).update(overview(a, snapshot))
        elif tab == "health":
            self.query_one("#health-body", Static).update(health_view(a))
        elif tab == "scope":
            self._scope(a, width)
        elif tab == "requests":
            self._requests(a, width)
        elif tab == "timeline":
            self._timeline(a, width)
        elif tab == "cadence":
            self._cadence(a, snapshot, width)
        elif tab == "signs":
            self._signs(a, width)
        elif tab == "history":
            self.query_one("#history-note", Static).update(Text("Reading the audit trail…",
                                                                style="dim"))
            self._read_history(a.client.id, width)
        self.update_bindings()

    @work(thread=True, exclusive=True, group="history")
    def _read_history(self, client_id: str, width: int) -> None:
        from storage.audit import describe
        from storage.errors import StorageError

        try:
            trail = self.context.workspace.store.db.history(client_id)
        except StorageError as e:
            self.app.call_from_thread(self._history_failed, str(e))
            return
        rows = []
        for entry in reversed(trail):  # newest first
            what, details = describe(entry)
            rows.append((f"{entry.seq}:{entry.record_id}", (
                cell(local_time(entry.at)), cell(entry.by), cell(what), cell(details))))
        self.app.call_from_thread(self._show_history, rows, width, len(trail))

    @while_shown
    def _history_failed(self, message: str) -> None:
        self.query_one("#history-note", Static).update(Text(message, style="bold red"))

    @while_shown
    def _show_history(self, rows: list[Any], width: int, total: int) -> None:
        self.query_one("#history-table", KeyTable).sync(HISTORY_COLS, width, rows)
        self.query_one("#history-note", Static).update(Text(
            f"{total} change{'s' if total != 1 else ''} · who, when, which fields (old -> new)"
            " · scopekeeper history CLIENT prints them in full", style="dim"))

    def _scope(self, a: ClientAssessment, width: int) -> None:
        rows = []
        for i in sorted(a.history.scope_items, key=lambda i: (i.status is ScopeStatus.DROPPED,
                                                              i.due or date.max, i.id)):
            style = "dim" if i.status in (ScopeStatus.DONE, ScopeStatus.DROPPED) else ""
            rows.append((i.id, (cell(i.title, style), cell(i.status.value, style),
                                cell("kickoff" if i.origin == "kickoff" else "request", style),
                                cell(f"{i.due:%d %b %y}" if i.due else "—", style),
                                cell(i.success_metric, style))))
        self.query_one("#scope-table", KeyTable).sync(SCOPE_COLS, width, rows)

    def _requests(self, a: ClientAssessment, width: int) -> None:
        rows = []
        for cr in sorted(a.history.change_requests, key=lambda r: (r.requested_on, r.id),
                         reverse=True):
            pending = cr.status is ChangeStatus.PENDING
            rows.append((cr.id, (cell(f"{cr.requested_on:%d %b %y}"),
                                 cell(cr.status.value, "bold yellow" if pending else ""),
                                 cell(fee_cell(cr.fee_cents, cr.fee_kind, a.client.currency)),
                                 cell(cr.description + (
                                     f" · {cr.document_kind.replace('_', ' ')} sent "
                                     f"{cr.document_on:%d %b}" if cr.document_on else "")))))
        self.query_one("#requests-table", KeyTable).sync(REQ_COLS, width, rows)

    def _timeline(self, a: ClientAssessment, width: int) -> None:
        if getattr(self, "_entries_of", None) is not a:
            self._entries_of, self._entries = a, timeline(a)
        entries = self._entries
        shown = entries[: self.timeline_rows]
        self.query_one("#timeline-table", KeyTable).sync(TIME_COLS, width, [
            (key, (cell(f"{on:%Y-%m-%d}"), cell(kind), cell(by), cell(detail)))
            for key, on, kind, by, detail in shown])
        k = partial(self.context.keys.label, joiner="/")  # the keys as the person has them
        if len(shown) < len(entries):  # 80 columns: the paging first, the log keys short
            n = min(TIMELINE_PAGE, len(entries) - len(shown))
            logs = " ".join(k(f"client.{i}") for i in ("log", "nps", "budget", "access",
                                                        "contact", "activity"))
            line = (f"{count(len(entries), 'entry', 'entries')} · newest {len(shown)} shown, {k('client.more')} "
                    f"for {n} more · {logs} log")
        else:
            line = (f"{count(len(entries), 'entry', 'entries')} · {k('client.log')} log · {k('client.nps')} NPS"
                    f" · {k('client.budget')} budget · {k('client.access')} access · "
                    f"{k('client.contact')} contact · {k('client.activity')} test")
        self.query_one("#timeline-count", Static).update(Text(line, style="dim"))

    def _cadence(self, a: ClientAssessment, snap: Snapshot, width: int) -> None:
        styles = {CadenceState.OVERDUE: "bold red", CadenceState.DUE: "bold yellow",
                  CadenceState.OK: "green"}
        def state(c: Cadence) -> Text:
            when = day_cell(c.due_on, snap.today, c.deadline)
            if when.plain.startswith(c.state.value):  # "due now", not "due due now"
                return when
            return Text.assemble((c.state.value, styles[c.state]), " ", when)

        rows = [(c.kind.value, (cell(c.kind.label), cell(f"{c.last:%d %b %y}" if c.last
                                                         else "never"),
                                cell(f"{c.due_on:%d %b %y}"), cell(f"{c.deadline:%d %b %y}"),
                                state(c)))
                for c in a.cadences]
        self.query_one("#cadence-table", KeyTable).sync(CAD_COLS, width, rows)
        s = a.client.cadence
        note = (f"Visit window: due {s.visit_min_days} days after the last face time, overdue "
                f"after {s.visit_max_days} (visits and agency events count)."
                if a.client.remote else "Local client: no visit window.")
        if not a.cadences:
            note = f"No cadence: the client is {a.client.status.value}."
        self.query_one("#cadence-note", Static).update(Text(note, style="dim"))

    def _signs(self, a: ClientAssessment, width: int) -> None:
        styles = {"severe": "bold red", "warning": "yellow", "watch": ""}
        rows = []
        for s in sorted(a.signs, key=lambda s: (s.resolved, -s.severity.rank, s.since)):
            state = ("resolved" if s.resolved else "acknowledged" if s.acknowledged
                     else "new")
            style = "dim" if s.resolved else ""
            rows.append((s.key, (cell(s.severity.value, style or styles[s.severity.value]),
                                 cell(s.code.label, style), cell(f"{s.since:%d %b %y}", style),
                                 cell(state + (f": {s.state.note}" if s.state and s.state.note
                                               else ""), style))))
        self.query_one("#signs-table", KeyTable).sync(SIGN_COLS, width, rows)
        self._sign_detail()

    def _sign_detail(self) -> None:
        s = self.sign()
        box = self.query_one("#signs-detail", Static)
        if s is None:
            box.update(Text("No warning signs.", style="green"))
            return
        box.update(Text.assemble(("Evidence: ", "bold"), clean_line(s.evidence), "\n",
                                 ("Response: ", "bold"), clean_line(s.response)))

    @while_shown
    def _focus_tab(self) -> None:
        table = {"scope": "#scope-table", "requests": "#requests-table",
                 "timeline": "#timeline-table", "cadence": "#cadence-table",
                 "signs": "#signs-table"}.get(self.tab)
        found = self.query(table) if table else None
        if found and self.focused is not found.first():  # keys go to the tab shown
            found.first().focus()



    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "signs-table" and self.query("#signs-detail"):
            self._sign_detail()
        self.update_bindings()

    # ---------------------------------------------------------------- selection

    def _key(self, table: str) -> str | None:
        found = self.query(f"#{table}-table")
        return found.first(KeyTable).selected_key() if found else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "timeline-table":  # Enter on an entry
            self.action_open_entry()

    def sign(self) -> Sign | None:
        a, key = self.assessment(), self._key("signs")
        return next((s for s in a.signs if s.key == key), None) if a and key else None

    def scope_item(self) -> Any:
        a, key = self.assessment(), self._key("scope")
        return next((i for i in a.history.scope_items if i.id == key), None) if a and key \
            else None

    def request(self) -> Any:
        a, key = self.assessment(), self._key("requests")
        return next((r for r in a.history.change_requests if r.id == key), None) if a and key \
            else None

    def in_bar(self, binding: Binding) -> bool:
        name = binding.action.split("(")[0]
        return name == "app.pop_screen" or name in self.BAR_BY_TAB.get(self.tab, ())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """False: not on this tab (hidden, the key does nothing); None: shown greyed, it
        needs a selection (or the records are still being read)."""
        tabs = self.ACTIONS_BY_TAB.get(action)
        if tabs is not None and self.tab not in tabs:
            return False
        if action == "more":
            return self.timeline_rows < len(getattr(self, "_entries", ()))
        if action in ("pop_screen", "tab"):
            return True
        if self.assessment() is None:
            return None
        if action in ("complete", "drop") or (action == "edit" and self.tab == "scope"):
            return self.scope_item() is not None or None
        if action == "decide":
            r = self.request()
            return (r is not None and r.status is ChangeStatus.PENDING) or None
        if action in ("acknowledge", "resolve"):
            s = self.sign()
            return (s is not None and not s.resolved) or None
        return True

    # ---------------------------------------------------------------- actions

    def _do(self) -> list[ClientAssessment]:
        """The client's assessment, as a list of zero or one (nothing to do if it is gone)."""
        a = self.assessment()
        return [a] if a is not None else []

    def action_tab(self, tab: str) -> None:
        self.query_one("#client-panes", ContentSwitcher).current = tab
        self._draw(tab)
        self._focus_tab()
        self.call_after_refresh(self._focus_tab)  # a tab shown the first time mounts later
        self.update_bindings()

    def action_edit(self) -> None:
        for a in self._do():
            if self.tab == "overview":
                edit_client(self.context, a.client)
            elif (item := self.scope_item()) is not None:
                edit_scope(self.context, a.client, item)

    def action_add(self) -> None:
        for a in self._do():
            if self.tab == "scope":
                edit_scope(self.context, a.client)
            elif self.tab == "requests":
                new_request(self.context, a.client)

    def action_log(self) -> None:
        for a in self._do():
            log_interaction(self.context, a.client)

    def action_nps(self) -> None:
        for a in self._do():
            open_entry(self.context, a.client, NPS)

    def action_activity(self) -> None:
        for a in self._do():
            open_entry(self.context, a.client, ACTIVITY)

    def action_budget(self) -> None:
        for a in self._do():
            open_entry(self.context, a.client, BUDGET)

    def action_access(self) -> None:
        for a in self._do():
            open_entry(self.context, a.client, ACCESS)

    def entry(self) -> Any:
        """The timeline entry under the cursor (None for a change request: its own tab)."""
        a, key = self.assessment(), self._key("timeline")
        if a is None or key is None:
            return None
        h = a.history
        pool: tuple[Any, ...] = (*h.interactions, *h.nps, *h.budget_changes, *h.access_grants,
                                 *h.contact_changes, *h.activities)
        return next((e for e in pool if e.id == key), None)

    def action_open_entry(self) -> None:
        """Enter on the Timeline: correct the entry, or delete it."""
        entry = self.entry()
        for a in self._do():
            if entry is None:
                tell(self, "Change requests are corrected on the Requests tab (3).")
            else:
                open_entry(self.context, a.client, FORMS[type(entry)], entry)

    def action_contact(self) -> None:
        for a in self._do():
            log_contact_change(self.context, a.client)

    def action_archive(self) -> None:
        for a in self._do():
            archive_client(self.context, a.client)

    def action_documents(self) -> None:
        r = self.request() if self.tab == "requests" else None
        for a in self._do():
            choose_document(self.context, a.client.id, a.client.name, r.id if r else None)

    def action_decide(self) -> None:
        r = self.request()
        if r is not None:
            open_decision(self.context, self.client_id, r.id)

    def action_complete(self) -> None:
        item = self.scope_item()
        if item is not None:
            self.context.attempt(lambda: self.context.act.set_scope_status(item, ScopeStatus.DONE),
                                 f"Done: {clean_line(item.title)}.")

    def action_drop(self) -> None:
        item = self.scope_item()
        if item is None:
            return

        def save(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.context.attempt(
                    lambda: self.context.act.set_scope_status(item, ScopeStatus.DROPPED),
                    f"Dropped: {clean_line(item.title)}.")

        self.app.push_screen(FormScreen(f"Drop {clean_line(item.title)} from the scope?", [],
                                        self.context.snapshot.today,
                                        submit="Drop"), save)

    def action_acknowledge(self) -> None:
        sign = self.sign()
        for a in self._do():
            if sign is not None:
                acknowledge_sign(self.context, sign, a.client.name)

    def action_resolve(self) -> None:
        sign = self.sign()
        for a in self._do():
            if sign is not None:
                resolve_sign(self.context, sign, a.client.name)

    def action_more(self) -> None:
        self.timeline_rows += TIMELINE_PAGE
        self.redraw()
