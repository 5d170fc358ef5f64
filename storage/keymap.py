"""The keymap check: every remapped id exists, and no key gets two meanings where it is
pressed.

The UI layer describes where keys are pressed (:class:`KeyCatalog`, built by
``screens/keys.py``); this module only compares keys, so the configuration can be checked
(``scopekeeper config``, and before the app starts) without the UI's classes here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyUse:
    """Something that takes keys in a place: a binding of ours (``id``: the keymap can move
    it) or one of the framework's own (``id`` None: it keeps its keys)."""

    id: str | None
    name: str  # how an error names it: the id, or e.g. "the list's 'Cursor up' (up)"
    keys: tuple[str, ...]  # its default keys, normalised
    action: str = ""  # two uses with the same action do the same thing: no clash
    typing: bool = False  # a focused text field: every key that types text is taken


@dataclass(frozen=True, slots=True)
class KeyCatalog:
    """The places where keys are pressed (a screen with the app-wide keys, or a dialog)
    and what takes keys in each."""

    places: Mapping[str, Sequence[KeyUse]]
    normalize: Callable[[str], tuple[str, ...]]  # "?, z" -> ("question_mark", "z")
    types_text: Callable[[str], bool] = lambda _key: False

    def ids(self) -> set[str]:
        return {u.id for uses in self.places.values() for u in uses if u.id}


#: What the check is given: the binding ids (ids only), or the whole catalogue.
Known = Iterable[str] | KeyCatalog


def keymap_problems(keymap: Mapping[str, str],
                    known: Known | Callable[[], Known]) -> Iterator[tuple[str, str]]:
    """``(id, message)`` for an id no binding has, then for each clash; ``known`` is
    called only if the keymap is not empty."""
    if not keymap:
        return
    catalog = known() if callable(known) else known
    ids = catalog.ids() if isinstance(catalog, KeyCatalog) else set(catalog)
    for binding_id in keymap:
        if binding_id not in ids:
            yield binding_id, (f"keymap.{binding_id}: no binding has this id (see README, "
                               "Keys)")
    if isinstance(catalog, KeyCatalog):
        yield from keymap_clashes(keymap, catalog)


def keymap_clashes(keymap: Mapping[str, str],
                   catalog: KeyCatalog) -> Iterator[tuple[str, str]]:
    """``(id, message)`` for each key the keymap gives a second meaning where it is pressed
    (Textual would quietly drop or shadow one of them). Clashes among the defaults alone are
    not reported: the tests keep the defaults apart."""
    for place, uses in catalog.places.items():
        typing = [u for u in uses if u.typing]
        pressed: list[tuple[str, KeyUse]] = []
        for use in uses:
            moved = keymap.get(use.id) if use.id is not None else None
            keys = catalog.normalize(moved) if moved is not None else use.keys
            pressed += [(key, use) for key in keys]
        seen: set[tuple[str, str, str]] = set()
        for key, use in pressed:
            others = [u for k, u in pressed if k == key and u.name != use.name]
            others += typing if catalog.types_text(key) else []
            for other in others:
                if other.action and other.action == use.action:
                    continue  # the same thing either way
                mine, theirs = (use, other) if use.id in keymap else (other, use)
                if mine.id is None or mine.id not in keymap or (
                        key, mine.name, theirs.name) in seen:
                    continue
                seen.add((key, mine.name, theirs.name))
                typed = next((k for k in keymap[mine.id].split(",")
                              if catalog.normalize(k) == (key,)), key)
                yield mine.id, (f'keymap.{mine.id}: "{typed}" clashes with {theirs.name} on '
                                f"{place} (one key, one action: choose another key)")
