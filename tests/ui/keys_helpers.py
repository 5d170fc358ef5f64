"""What the key tests share: record which action a key press reaches, read the key bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.actions import parse
from textual.binding import Binding

from screens.keybar import KeyBar

Call = tuple[object, str, tuple[object, ...]]  # (namespace, action name, parameters)


@contextmanager
def recording(*nodes: Any) -> Iterator[list[Call]]:
    """Every ``action_*`` of ``nodes`` records its call instead of running it: a key press
    goes through Textual's real dispatch (binding chain, keymap, ``check_action``) and the
    test sees which action it reached, with nothing else happening."""
    calls: list[Call] = []
    patched = []
    for node in nodes:
        for attr in dir(type(node)):
            if attr.startswith("action_") and callable(getattr(type(node), attr)):
                def fake(*params: object, _node: object = node, _name: str = attr[7:]) -> None:
                    calls.append((_node, _name, params))

                setattr(node, attr, fake)
                patched.append((node, attr))
    try:
        yield calls
    finally:
        for node, attr in patched:
            delattr(node, attr)


def expected_call(app: Any, screen: Any, binding: Binding) -> Call:
    """The call a binding of ``screen`` (or of the app, or of a list) names."""
    from screens.bindings import own_bindings

    target, name, params = parse(binding.action)
    owner = next((o for o in app.keys.catalogue.owners if binding in own_bindings(o.cls)), None)
    node = app if target == "app" or owner is None or isinstance(app, owner.cls) else screen
    return node, name, params


def bar_of(app: Any) -> tuple[str, KeyBar]:
    bar = app.screen.query_one(KeyBar)
    return bar.render().plain, bar


def labelled(app: Any, screen: Any, label: str) -> list[Binding]:
    """The bindings reachable on ``screen`` whose label is ``label``."""
    from screens.bindings import own_bindings
    from screens.tables import KeyTable

    classes = {type(app), type(screen)} | {type(t) for t in screen.query(KeyTable)}
    return [b for o in app.keys.catalogue.owners if o.cls in classes for b in own_bindings(o.cls)
            if b.description == label]
