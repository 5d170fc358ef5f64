"""Every binding of the app: its id, where it can be pressed, and what else takes keys there.

The README's Keys table, the help screen (``?``), the palette, the key hints in dialogs and
the keymap check all read this one catalogue, so none of them can drift from the BINDINGS
they describe.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.keys import format_key, key_to_character

from storage.keymap import KeyCatalog, KeyUse

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.widget import Widget


@dataclass(frozen=True, slots=True)
class Owner:
    """A class that declares bindings, as people call it."""

    cls: type
    where: str  # the README's "where" column and the help screen's heading
    noun: str  # the palette's name for it: "review: snooze"


@cache
def owners() -> tuple[Owner, ...]:
    # imported here: the screens import this module
    from screens.app import ScopekeeperApp
    from screens.client.screen import ClientScreen
    from screens.clients import ClientsScreen
    from screens.confirm import DiscardScreen
    from screens.conflict import ConflictScreen
    from screens.decide import DecideScreen
    from screens.documents import DocumentMenu, DocumentScreen
    from screens.forms import FormScreen
    from screens.help import HelpScreen
    from screens.review import ReviewScreen
    from screens.tables import KeyTable
    from screens.team import TeamScreen
    from screens.welcome import WelcomeScreen

    return (Owner(ScopekeeperApp, "everywhere", "app"), Owner(ReviewScreen, "Review", "review"),
            Owner(ClientsScreen, "Clients", "clients"),
            Owner(ClientScreen, "client detail", "client"), Owner(TeamScreen, "Team", "team"),
            Owner(KeyTable, "every list", "list"), Owner(DecideScreen, "decide dialog", "decide"),
            Owner(FormScreen, "forms", "form"), Owner(ConflictScreen, "conflict dialog", "conflict"),
            Owner(DocumentMenu, "document menu", "documents"),
            Owner(DocumentScreen, "document", "document"),
            Owner(DiscardScreen, '"discard what you typed?"', "discard"),
            Owner(WelcomeScreen, "first run", "welcome"), Owner(HelpScreen, "keys (?)", "help"))


def own_bindings(cls: type) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits from Textual)."""
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


def all_bindings() -> Iterator[tuple[str, Binding]]:
    for owner in owners():
        for b in own_bindings(owner.cls):
            yield owner.cls.__name__, b


def binding_ids() -> set[str]:
    return {b.id for _, b in all_bindings() if b.id}


@cache
def by_id() -> dict[str, tuple[Owner, Binding]]:
    return {b.id: (o, b) for o in owners() for b in own_bindings(o.cls) if b.id}


def action_name(binding: Binding) -> str:
    """``"tab('scope')"`` -> ``"tab"``; ``"app.pop_screen"`` -> ``"pop_screen"``."""
    return binding.action.split("(")[0].rsplit(".", 1)[-1]


def tabs_of(cls: type, binding: Binding) -> tuple[str, ...]:
    """The tabs of a tabbed screen on which a binding works (empty: all of them)."""
    return tuple(getattr(cls, "ACTIONS_BY_TAB", {}).get(action_name(binding), ()))


def where(owner: Owner, binding: Binding) -> str:
    """Where a key works, as the README says it: "client detail: Scope, Requests"."""
    tabs = tabs_of(owner.cls, binding)
    return f"{owner.where}: {', '.join(t.title() for t in tabs)}" if tabs else owner.where


def usable_now(node: DOMNode, binding: Binding, screen: Screen[Any] | None = None,
               ) -> bool | None:
    """What pressing the key would meet now: True runs, None greyed, False not here.
    ``screen``: the screen in front for the app's own check (the palette or the keys
    screen is in front while they ask about the screen beneath)."""
    from textual.actions import parse

    target, name, params = parse(binding.action)
    app = node.app
    if target == "app" or node is app:
        allows = getattr(app, "allows", None)
        if screen is not None and allows is not None:
            return bool(allows(name, screen))
        return app.check_action(name, params)
    return node.check_action(name, params)


# --- keys as Textual reads them -------------------------------------------------------------

def key_names(keys: str) -> tuple[str, ...]:
    """``"?, ctrl+z"`` -> ``("question_mark", "ctrl+z")``: the names Textual matches presses
    (and applies a keymap) with."""
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    return tuple(b.key for b in Binding.make_bindings([Binding(",".join(parts), "")])) \
        if parts else ()


def types_text(key: str) -> bool:
    """A key that a focused text field takes as typing (its binding never fires there)."""
    if "+" in key:
        return False
    char = key_to_character(key)
    shown = format_key(key)
    return (char is not None and char.isprintable()) or (len(shown) == 1 and shown.isascii()
                                                         and shown.isprintable())


def effective_keys(app: App[Any], binding_id: str) -> tuple[str, ...]:
    """The keys a binding has in this app: the user's keymap, else its default."""
    keymap: dict[str, str] = getattr(app, "user_keymap", {})
    return key_names(keymap.get(binding_id) or by_id()[binding_id][1].key)


def key_label(app: App[Any], binding_id: str, joiner: str = " or ") -> str:
    """How a binding's keys read on screen, e.g. ``"n or esc"``: for hints in dialogs."""
    _, binding = by_id()[binding_id]
    keys = effective_keys(app, binding_id)
    # a binding's own key_display ("?" for question_mark) holds for its one default key
    own = binding.key_display if keys == key_names(binding.key) and len(keys) == 1 else None
    shown = [app.get_key_display(Binding(k, "", key_display=own)) for k in keys]
    return joiner.join(dict.fromkeys(shown))


# --- where keys are pressed together ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Place:
    """A screen or dialog and everything that takes keys while it is in front."""

    name: str
    screen: type
    lists: bool = False  # a KeyTable has the focus: its keys (and its DataTable's) come first
    app_wide: bool = True  # dialogs are modal: the app's own keys do not reach past them
    widgets: tuple[type[Widget], ...] = ()  # Textual widgets whose keys come first
    typing: bool = False  # a text field has the focus: printable keys type
    opens: bool = False  # Enter on the list selects the row, which the screen opens
    numbers: int = 0  # 1..n choose an entry (a menu's own key handling)


@cache
def places() -> tuple[Place, ...]:
    from textual.containers import VerticalScroll
    from textual.widgets import Button, DataTable, Input, OptionList, TextArea

    o = {owner.cls.__name__: owner.cls for owner in owners()}
    return (
        Place("the Review screen", o["ReviewScreen"], lists=True, widgets=(DataTable,),
              opens=True),
        Place("the Clients screen", o["ClientsScreen"], lists=True, widgets=(DataTable,),
              opens=True),
        Place("the client detail screen", o["ClientScreen"], lists=True, widgets=(DataTable,)),
        Place("the Team screen", o["TeamScreen"], lists=True, widgets=(DataTable,)),
        Place("the document screen", o["DocumentScreen"], widgets=(VerticalScroll,)),
        Place("the decide dialog", o["DecideScreen"], app_wide=False, widgets=(Button,)),
        Place("a form", o["FormScreen"], app_wide=False, widgets=(Input, TextArea, Button),
              typing=True),
        Place("the conflict dialog", o["ConflictScreen"], app_wide=False, widgets=(Button,)),
        Place("the document menu", o["DocumentMenu"], app_wide=False, widgets=(OptionList,),
              numbers=7),
        Place('the "discard what you typed?" question', o["DiscardScreen"], app_wide=False),
        Place("the first-run dialog", o["WelcomeScreen"], app_wide=False,
              widgets=(OptionList,)),
        Place("the keys screen", o["HelpScreen"], app_wide=False, widgets=(VerticalScroll,)),
    )


def _ours(cls: type) -> list[KeyUse]:
    return [KeyUse(id=b.id, name=b.id or b.description, keys=key_names(b.key),
                   action=b.action) for b in own_bindings(cls)]


def _textual(cls: type, whose: str, opens: bool = False) -> list[KeyUse]:
    """Keys a Textual class binds itself (no ids: they cannot be remapped); a subclass's
    binding of a key replaces its base class's, as in Textual."""
    by_key: dict[str, Binding] = {}
    for base in reversed(cls.__mro__):
        if base.__dict__.get("inherit_bindings", True) is False:
            by_key.clear()
        for b in Binding.make_bindings(base.__dict__.get("BINDINGS", [])):
            by_key[b.key] = b
    uses = []
    for b in by_key.values():
        if b.id is None:
            # a list's Enter selects the row: Review and Clients open it (same action)
            action = "open" if opens and b.action == "select_cursor" else b.action
            label = b.description or b.action.replace("_", " ")
            uses.append(KeyUse(id=None, name=f"{whose} {label!r} ({b.key})", keys=(b.key,),
                               action=action))
    return uses


def place_uses(place: Place) -> list[KeyUse]:
    """What takes keys in a place, the screen's own first."""
    from textual.widgets import DataTable

    from screens.app import ScopekeeperApp
    from screens.tables import KeyTable

    uses = _ours(place.screen)
    if place.lists:
        uses += _ours(KeyTable)
    if place.app_wide:
        uses += _ours(ScopekeeperApp) + _textual(App, "Textual's")
    uses.append(KeyUse(id=None, name=f"the command palette ({App.COMMAND_PALETTE_BINDING})",
                       keys=key_names(App.COMMAND_PALETTE_BINDING), action="command_palette"))
    for widget in place.widgets:
        whose = "the list's" if issubclass(widget, DataTable) else f"the {widget.__name__}'s"
        uses += _textual(widget, whose, place.opens)
    if place.typing:
        uses.append(KeyUse(id=None, name="typing in a field", keys=(), action="", typing=True))
    if place.numbers:
        uses.append(KeyUse(id=None, name=f"choosing by number (1-{place.numbers})",
                           keys=tuple(str(n) for n in range(1, place.numbers + 1)),
                           action="choose"))
    return uses


def key_catalog() -> KeyCatalog:
    """What the keymap check needs: every place and what takes keys there."""
    return KeyCatalog(places={p.name: tuple(place_uses(p)) for p in places()},
                      normalize=key_names, types_text=types_text)
