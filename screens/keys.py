"""Every binding of the app: the classes that declare them, where they can be pressed, and
what else takes keys there.

The README's Keys table, the help screen (``?``), the palette, the key hints in dialogs and
the keymap check all read this one catalogue, so none of them can drift from the BINDINGS
they describe. It imports every screen; the app, which no screen imports, is named by its
caller (the app itself, or the keymap check), so that no screen needs to import this module:
they read the catalogue through :class:`screens.context.Context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, OptionList, TextArea

from screens.bindings import Catalogue, Owner, key_names, own_bindings, types_text
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
from storage.keymap import KeyCatalog, KeyUse


@cache
def catalogue(app: type) -> Catalogue:
    """Every class that declares bindings, ``app`` (the app's class) first."""
    return Catalogue((
        Owner(app, "everywhere", "app"), Owner(ReviewScreen, "Review", "review"),
        Owner(ClientsScreen, "Clients", "clients"),
        Owner(ClientScreen, "client detail", "client"), Owner(TeamScreen, "Team", "team"),
        Owner(KeyTable, "every list", "list"), Owner(DecideScreen, "decide dialog", "decide"),
        Owner(FormScreen, "forms", "form"), Owner(ConflictScreen, "conflict dialog", "conflict"),
        Owner(DocumentMenu, "document menu", "documents"),
        Owner(DocumentScreen, "document", "document"),
        Owner(DiscardScreen, '"discard what you typed?"', "discard"),
        Owner(WelcomeScreen, "first run", "welcome"), Owner(HelpScreen, "keys (?)", "help")))


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


PLACES = (
    Place("the Review screen", ReviewScreen, lists=True, widgets=(DataTable,), opens=True),
    Place("the Clients screen", ClientsScreen, lists=True, widgets=(DataTable,), opens=True),
    Place("the client detail screen", ClientScreen, lists=True, widgets=(DataTable,)),
    Place("the Team screen", TeamScreen, lists=True, widgets=(DataTable,)),
    Place("the document screen", DocumentScreen, widgets=(VerticalScroll,)),
    Place("the decide dialog", DecideScreen, app_wide=False, widgets=(Button,)),
    Place("a form", FormScreen, app_wide=False, widgets=(Input, TextArea, Button), typing=True),
    Place("the conflict dialog", ConflictScreen, app_wide=False, widgets=(Button,)),
    Place("the document menu", DocumentMenu, app_wide=False, widgets=(OptionList,), numbers=7),
    Place('the "discard what you typed?" question', DiscardScreen, app_wide=False),
    Place("the first-run dialog", WelcomeScreen, app_wide=False, widgets=(OptionList,)),
    Place("the keys screen", HelpScreen, app_wide=False, widgets=(VerticalScroll,)),
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


def place_uses(place: Place, app: type) -> list[KeyUse]:
    """What takes keys in a place (``app``: the app's class), the screen's own first."""
    uses = _ours(place.screen)
    if place.lists:
        uses += _ours(KeyTable)
    if place.app_wide:
        uses += _ours(app) + _textual(App, "Textual's")
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


def key_catalog(app: type) -> KeyCatalog:
    """What the keymap check needs: every place and what takes keys there."""
    return KeyCatalog(places={p.name: tuple(place_uses(p, app)) for p in PLACES},
                      normalize=key_names, types_text=types_text)
