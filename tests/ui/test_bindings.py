"""Every binding has a stable id, no key means two things on one screen, and every action
can be reached without Home/End or the tmux/screen prefixes."""

from __future__ import annotations

from collections import defaultdict

from screens.app import ScopekeeperApp
from screens.client.screen import ClientScreen
from screens.clients import ClientsScreen
from screens.keys import catalogue
from screens.review import ReviewScreen
from screens.tables import KeyTable
from screens.team import TeamScreen


def keys_of(owner) -> dict[str, str]:
    out = {}
    for b in owner.BINDINGS:
        for key in b.key.split(","):
            out[key.strip()] = b.id
    return out


def test_every_binding_has_a_unique_id():
    ids = [b.id for _, b in catalogue(ScopekeeperApp).all_bindings()]
    assert all(ids)
    assert len(ids) == len(set(ids))


def test_no_key_means_two_things_on_a_screen():
    shared = keys_of(ScopekeeperApp) | keys_of(KeyTable)
    for screen in (ReviewScreen, ClientsScreen, ClientScreen, TeamScreen):
        clash = {k: (v, shared[k]) for k, v in keys_of(screen).items() if k in shared}
        assert clash == {}, screen.__name__


def test_no_binding_needs_home_end_or_a_terminal_prefix():
    per_action = defaultdict(set)
    for _, b in catalogue(ScopekeeperApp).all_bindings():
        per_action[b.id] |= {k.strip() for k in b.key.split(",")}
    risky = {"home", "end", "ctrl+a", "ctrl+b"}
    assert {i: k for i, k in per_action.items() if k <= risky} == {}


def test_readme_documents_every_binding_id():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    ids = catalogue(ScopekeeperApp).binding_ids()
    missing = sorted(i for i in ids if f"`{i}`" not in readme)
    assert missing == []
