"""One client, tab by tab: the screen lays out the tabs (each drawn by its own module, see
:mod:`screens.client.tab`), takes the keys and runs the actions on what is selected."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable, Header, Static

from screens.base import AgencyScreen
from screens.cells import lines_of
from screens.client import bindings
from screens.client.cadence import CadenceTab
from screens.client.health import HealthTab
from screens.client.history import HistoryTab, history_rows
from screens.client.overview import OverviewTab
from screens.client.scope import RequestsTab, ScopeTab
from screens.client.signs import SignsTab, selected_sign
from screens.client.tab import TABS, Tab
from screens.client.timeline import TIMELINE_PAGE, TimelineTab
from screens.fields import Values
from screens.flows.clients import archive_client, edit_client
from screens.flows.decisions import open_decision
from screens.flows.documents import choose_document
from screens.flows.entries import (
    ACCESS,
    ACTIVITY,
    BUDGET,
    NPS,
    correct_entry,
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
from screens.tables import KeyTable, Row
from storage.snapshot import Snapshot
from tracker.models import ChangeRequest, ChangeStatus, Client, ScopeItem, ScopeStatus
from tracker.review import ClientAssessment
from tracker.text import clean_line
from tracker.timeline import Logged, logged
from tracker.warning_signs import Sign


class ClientScreen(AgencyScreen):
    """One client, one tab shown at a time (keys 1-8); a tab is drawn when first shown."""

    CSS_PATH = "screen.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings.BINDINGS
    ACTIONS_BY_TAB: ClassVar[dict[str, tuple[str, ...]]] = bindings.ACTIONS_BY_TAB
    BAR_BY_TAB: ClassVar[dict[str, tuple[str, ...]]] = bindings.BAR_BY_TAB

    def __init__(self, client_id: str, tab: str = "overview") -> None:
        super().__init__()
        self.client_id = client_id
        self.first_tab = tab
        # the keys as the person has them (a keymap may have moved them)
        self.timeline = TimelineTab(lambda action: self.context.keys.label(action, joiner="/"))
        self.tabs: dict[str, Tab] = {
            "overview": OverviewTab(), "scope": ScopeTab(), "requests": RequestsTab(),
            "timeline": self.timeline, "cadence": CadenceTab(), "signs": SignsTab(),
            "health": HealthTab(), "history": HistoryTab(self._read_history)}
        self._drawn: set[str] = set()

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

    @property
    def tab(self) -> str:
        return self.query_one("#client-panes", ContentSwitcher).current or self.first_tab

    _unreadable: Snapshot | None = None  # the snapshot whose reading of the client failed

    def assessment(self) -> ClientAssessment | None:
        view = self.view()
        return view.assessment(self.client_id) if view else None

    def view(self) -> Snapshot | None:
        """The snapshot shown, with this client's records (read now if it is a summary:
        ``Workspace.focus``); None if they cannot be read (said in the title, and not
        tried again for this snapshot: every key's check asks for it)."""
        from storage.errors import StorageError

        if self.shown is None or self._unreadable is self.shown:
            return None
        try:
            return self.context.workspace.focus(self.shown, self.client_id)
        except StorageError as e:
            self._unreadable = self.shown
            self.sub_title = clean_line(f"could not read this client: {e}")
            return None

    def show(self, snapshot: Snapshot) -> None:
        if snapshot.partial:
            self.sub_title = "reading the agency…"
            return
        view = self.view()
        if view is None:
            return  # the title says why
        a = view.assessment(self.client_id)
        if a is None:
            self.sub_title = "this client no longer exists"
            return
        self.sub_title = f"{clean_line(a.client.name)} · {snapshot.today:%a %d %b %Y}"
        self._drawn = set()
        self._draw(self.tab)

    @while_shown
    def _draw(self, tab: str) -> None:
        """Fill one tab; the others are filled when first shown."""
        self._tabbar()
        pane = self.query_one(f"#{tab}", Vertical)
        if not pane.children:
            pane.mount_all(self.tabs[tab].widgets())
            self.call_after_refresh(self._draw, tab)
            return
        snapshot = self.view()
        a = snapshot.assessment(self.client_id) if snapshot else None
        if a is None or snapshot is None or tab in self._drawn:
            return
        self._drawn.add(tab)
        self._focus_tab()
        self.tabs[tab].draw(pane, a, snapshot, self.app.size.width - 2)
        self.update_bindings()

    @work(thread=True, exclusive=True, group="history")
    def _read_history(self, client_id: str, width: int) -> None:
        from storage.errors import StorageError

        try:
            trail = self.context.workspace.store.history(client_id)
        except StorageError as e:
            self.app.call_from_thread(self._history_failed, str(e))
            return
        rows = history_rows(trail)
        self.app.call_from_thread(self._show_history, rows, width, len(trail))

    @while_shown
    def _history_failed(self, message: str) -> None:
        HistoryTab.failed(self.query_one("#history", Vertical), message)

    @while_shown
    def _show_history(self, rows: list[Row], width: int, total: int) -> None:
        HistoryTab.show(self.query_one("#history", Vertical), rows, width, total)

    @while_shown
    def _focus_tab(self) -> None:
        table = self.tabs[self.tab].table
        found = self.query(table) if table else None
        if found and self.focused is not found.first():  # keys go to the tab shown
            found.first().focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "signs-table" and self.query("#signs-detail"):
            SignsTab.show_detail(self.query_one("#signs", Vertical), self.sign())
        self.update_bindings()

    # ---------------------------------------------------------------- selection

    def _key(self, table: str) -> str | None:
        found = self.query(f"#{table}-table")
        return found.first(KeyTable).selected_key() if found else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "timeline-table":  # Enter on an entry
            self.action_open_entry()

    def sign(self) -> Sign | None:
        a = self.assessment()
        return selected_sign(self, a) if a else None

    def scope_item(self) -> ScopeItem | None:
        a, key = self.assessment(), self._key("scope")
        return next((i for i in a.history.scope_items if i.id == key), None) if a and key \
            else None

    def request(self) -> ChangeRequest | None:
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
            return self.timeline.more()
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

    def client(self) -> Client | None:
        """The client shown; None once it is gone (an action then does nothing)."""
        a = self.assessment()
        return a.client if a is not None else None

    def action_tab(self, tab: str) -> None:
        self.query_one("#client-panes", ContentSwitcher).current = tab
        self._draw(tab)
        self._focus_tab()
        self.call_after_refresh(self._focus_tab)  # a tab shown the first time mounts later
        self.update_bindings()

    def action_edit(self) -> None:
        if (c := self.client()) is None:
            return
        if self.tab == "overview":
            edit_client(self.context, c)
        elif (item := self.scope_item()) is not None:
            edit_scope(self.context, c, item)

    def action_add(self) -> None:
        if (c := self.client()) is None:
            return
        if self.tab == "scope":
            edit_scope(self.context, c)
        elif self.tab == "requests":
            new_request(self.context, c)

    def action_log(self) -> None:
        if (c := self.client()) is not None:
            log_interaction(self.context, c)

    def action_nps(self) -> None:
        if (c := self.client()) is not None:
            open_entry(self.context, c, NPS)

    def action_activity(self) -> None:
        if (c := self.client()) is not None:
            open_entry(self.context, c, ACTIVITY)

    def action_budget(self) -> None:
        if (c := self.client()) is not None:
            open_entry(self.context, c, BUDGET)

    def action_access(self) -> None:
        if (c := self.client()) is not None:
            open_entry(self.context, c, ACCESS)

    def entry(self) -> Logged | None:
        """The timeline entry under the cursor (None for a change request: its own tab)."""
        a, key = self.assessment(), self._key("timeline")
        return logged(a.history, key) if a is not None and key is not None else None

    def action_open_entry(self) -> None:
        """Enter on the Timeline: correct the entry, or delete it."""
        entry = self.entry()
        if (c := self.client()) is None:
            return
        if entry is None:
            tell(self, "Change requests are corrected on the Requests tab (3).")
        else:
            correct_entry(self.context, c, entry)

    def action_contact(self) -> None:
        if (c := self.client()) is not None:
            log_contact_change(self.context, c)

    def action_archive(self) -> None:
        if (c := self.client()) is not None:
            archive_client(self.context, c)

    def action_documents(self) -> None:
        r = self.request() if self.tab == "requests" else None
        if (c := self.client()) is not None:
            choose_document(self.context, c.id, c.name, r.id if r else None)

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

        def save(values: Values | None) -> None:
            if values is not None:
                self.context.attempt(
                    lambda: self.context.act.set_scope_status(item, ScopeStatus.DROPPED),
                    f"Dropped: {clean_line(item.title)}.")

        self.app.push_screen(FormScreen(f"Drop {clean_line(item.title)} from the scope?", [],
                                        self.context.snapshot.today,
                                        submit="Drop"), save)

    def action_acknowledge(self) -> None:
        sign, c = self.sign(), self.client()
        if sign is not None and c is not None:
            acknowledge_sign(self.context, sign, c.name)

    def action_resolve(self) -> None:
        sign, c = self.sign(), self.client()
        if sign is not None and c is not None:
            resolve_sign(self.context, sign, c.name)

    def action_more(self) -> None:
        self.timeline.rows += TIMELINE_PAGE
        self.redraw()
