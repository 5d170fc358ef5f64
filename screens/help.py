"""``?``: every key of the screen you were on, the app's own first, grouped by where they
work, with their labels; Textual's generic keys (cursor movement, copy) come last.

A full-screen dialog rather than Textual's side panel: at 80 columns a side panel is 26
characters wide and 22 rows tall, and it listed the framework's keys first, so the app's
own fell off the bottom. This one scrolls with the keyboard (j/k, arrows, page keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from screens.bindings import Keys, Owner, own_bindings, tabs_of, usable_now
from screens.context import context_of
from screens.lifecycle import Shown
from screens.tables import KeyTable


@dataclass(frozen=True, slots=True)
class Row:
    keys: str
    label: str
    usable: bool  # usable right now (else shown dim)
    note: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    rows: tuple[Row, ...]


def _ours(screen: Screen[Any], node: DOMNode, owner: Owner, title: str, keys: Keys,
          ) -> Section:
    rows = []
    for b in own_bindings(owner.cls):
        if b.id is None:
            continue
        tabs = tabs_of(owner.cls, b)
        note = f"{', '.join(t.title() for t in tabs)} tab{'s' if len(tabs) > 1 else ''}" \
            if tabs else ""
        usable = usable_now(node, b, screen) is True
        rows.append(Row(keys.label(b.id, " "), b.description, usable, note))
    return Section(title, tuple(rows))


def _textual(screen: Screen[Any], listed: set[str]) -> Section:
    """The framework's own keys that work here (they have no id: not remappable), but for
    keys already listed as the app's (a list's Enter opens the row: "Open client")."""
    by_action: dict[tuple[int, str], list[Binding]] = {}
    for key, (node, binding, _enabled, _tip) in screen.active_bindings.items():
        if binding.id is None and not binding.system and binding.description and \
                key not in listed:
            by_action.setdefault((id(node), binding.action), []).append(binding)
    rows = [Row(" ".join(dict.fromkeys(screen.app.get_key_display(b) for b in group)),
                group[0].description, True) for group in by_action.values()]
    return Section("Textual: lists and text", tuple(rows))


def sections(screen: Screen[Any]) -> list[Section]:
    """The keys of ``screen``: its own, then the list's, then the app-wide ones, then
    Textual's."""
    keys = context_of(screen.app).keys
    owners = keys.catalogue
    out: list[Section] = []
    owner = owners.owner_of(screen)
    if owner is not None:
        tab = getattr(screen, "tab", None)
        title = f"{owner.where} · {tab.title()} tab" if isinstance(tab, str) else owner.where
        out.append(_ours(screen, screen, owner, title[:1].upper() + title[1:], keys))
    tables = screen.query(KeyTable)
    table_owner = owners.owner_of(tables.first()) if tables else None
    if tables and table_owner is not None:
        out.append(_ours(screen, tables.first(), table_owner, "Every list", keys))
    app_owner = owners.owner_of(screen.app)
    if app_owner is not None and not isinstance(screen, ModalScreen):
        out.append(_ours(screen, screen.app, app_owner, "Everywhere", keys))
    listed = {k for o in owners.owners if o.cls in (type(screen), type(screen.app), *(
        type(t) for t in tables)) for b in own_bindings(o.cls) if b.id
        for k in keys.effective(b.id)}
    textual = _textual(screen, listed)
    if textual.rows:
        out.append(textual)
    return out


def render(secs: list[Section]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", no_wrap=True, min_width=9)
    table.add_column()
    for n, sec in enumerate(secs):
        if n:
            table.add_row("", "")
        table.add_row("", Text(sec.title, style="bold underline"))
        for row in sec.rows:
            style = "" if row.usable else "dim"
            label = Text(row.label, style=style)
            if row.note:
                label.append(f"  ({row.note})", style="dim italic")
            table.add_row(Text(row.keys, style="bold" if row.usable else "dim"), label)
    return table


class HelpPanel(VerticalScroll):
    """The list of keys (named like Textual's help panel, which it replaces)."""


class HelpScreen(Shown, ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark", "close", "Close", id="help.close"),
        Binding("j", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="help.up"),
    ]
    AUTO_FOCUS = "HelpPanel"

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.shown_for = screen
        self.sections = sections(screen)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            key = context_of(self.app).keys.label
            yield Static(Text.assemble(("Keys", "bold"), (
                f"   dim: not usable right now · {key('help.close')} closes · "
                f"{key('help.down', '/')}/{key('help.up', '/')} scroll", "dim")),
                id="help-title")
            with HelpPanel():
                yield Static(render(self.sections), id="help-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        panel = self.query_one(HelpPanel)
        if where == "down":
            panel.scroll_down()
        else:
            panel.scroll_up()
