"""The README's Keys table is true: every binding, with its keys, where it works (the tabs,
for a key that works on some tabs only) and what it does (its label first)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `([a-z0-9_.]+)` \| (.+?) \| (.+?) \| (.+?) \|$", re.M)


def table() -> dict[str, tuple[str, str, str]]:
    keys = README.read_text(encoding="utf-8").split("## Keys", 1)[1].split("\n## ", 1)[0]
    return {m[1]: (m[2], m[3], m[4]) for m in ROW.finditer(keys)}


def test_the_table_lists_every_binding_once_and_nothing_else():
    from screens.app import ScopekeeperApp
    from screens.keys import catalogue

    rows = ROW.findall(README.read_text(encoding="utf-8").split("## Keys", 1)[1])
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(catalogue(ScopekeeperApp).by_id)


def test_keys_where_and_label_match_the_bindings():
    from screens.app import ScopekeeperApp
    from screens.bindings import key_names, where
    from screens.keys import catalogue

    rows = table()
    wrong = {}
    for binding_id, (owner, binding) in catalogue(ScopekeeperApp).by_id.items():
        keys, place, action = rows[binding_id]
        readme_keys = tuple(k for part in re.findall(r"`([^`]+)`", keys)
                            for k in key_names(part))
        if readme_keys != key_names(binding.key):
            wrong[binding_id] = ("keys", keys, binding.key)
        if place != where(owner, binding):
            wrong[binding_id] = ("where", place, where(owner, binding))
        if not action.lower().startswith(binding.description.lower()):
            wrong[binding_id] = ("action", action, binding.description)
    assert wrong == {}


def test_where_says_which_tabs_a_key_works_on():
    """A key limited to some tabs says so (the Signs tab's `a` is not the Scope tab's)."""
    from screens.client.screen import ClientScreen

    rows = table()
    limited = {b.id: ClientScreen.ACTIONS_BY_TAB[b.action] for b in ClientScreen.BINDINGS
               if b.action in ClientScreen.ACTIONS_BY_TAB}
    assert limited  # the client detail has such keys
    wrong = {i: rows[i][1] for i, tabs in limited.items()
             if not all(t.title() in rows[i][1] for t in tabs)}
    assert wrong == {}
