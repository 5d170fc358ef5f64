"""Bindings as people read them: who declares one, where it works, its keys as Textual
names them, and how they read on screen with the person's keymap applied.

This module names no screen: :mod:`screens.keys` lists the classes that declare bindings
(it imports every screen) and the app hands that catalogue to screens through
:class:`screens.context.Context`, so a screen's key hints need not import the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.actions import parse
from textual.binding import Binding
from textual.keys import format_key, key_to_character

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen


@dataclass(frozen=True, slots=True)
class Owner:
    """A class that declares bindings, as people call it."""

    cls: type
    where: str  # the README's "where" column and the help screen's heading
    noun: str  # the palette's name for it: "review: snooze"


def own_bindings(cls: type) -> list[Binding]:
    """The bindings a class declares itself (not those it inherits from Textual)."""
    return [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]


@dataclass(frozen=True)
class Catalogue:
    """Every class that declares bindings, the app's first."""

    owners: tuple[Owner, ...]
    by_id: dict[str, tuple[Owner, Binding]] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {b.id: (o, b) for o in self.owners
                                           for b in own_bindings(o.cls) if b.id})

    def all_bindings(self) -> Iterator[tuple[str, Binding]]:
        for owner in self.owners:
            for b in own_bindings(owner.cls):
                yield owner.cls.__name__, b

    def binding_ids(self) -> set[str]:
        return {b.id for _, b in self.all_bindings() if b.id}

    def owner_of(self, node: object) -> Owner | None:
        return next((o for o in self.owners if type(node) is o.cls), None)


@dataclass(frozen=True, slots=True)
class Keys:
    """The catalogue with one person's keymap (binding id -> keys) and the app's way of
    showing a key: what hints, the help screen and the palette read."""

    catalogue: Catalogue
    keymap: Mapping[str, str]
    display: Callable[[Binding], str]  # the app's get_key_display

    def effective(self, binding_id: str) -> tuple[str, ...]:
        """The keys a binding has in this app: the user's keymap, else its default."""
        return key_names(self.keymap.get(binding_id) or self.catalogue.by_id[binding_id][1].key)

    def label(self, binding_id: str, joiner: str = " or ") -> str:
        """How a binding's keys read on screen, e.g. ``"n or esc"``: for hints in dialogs."""
        _, binding = self.catalogue.by_id[binding_id]
        keys = self.effective(binding_id)
        # a binding's own key_display ("?" for question_mark) holds for its one default key
        own = binding.key_display if keys == key_names(binding.key) and len(keys) == 1 else None
        shown = [self.display(Binding(k, "", key_display=own)) for k in keys]
        return joiner.join(dict.fromkeys(shown))


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
    target, name, params = parse(binding.action)
    app = node.app
    if target == "app" or node is app:
        allows = getattr(app, "allows", None)
        if screen is not None and allows is not None:
            return bool(allows(name, screen))
        return app.check_action(name, params)
    return node.check_action(name, params)


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
