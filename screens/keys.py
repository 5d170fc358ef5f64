"""Every binding id of the app, for the keymap check and the README."""

from __future__ import annotations

from collections.abc import Iterator

from textual.binding import Binding


def all_bindings() -> Iterator[tuple[str, Binding]]:
    from screens.app import ScopekeeperApp
    from screens.client_detail import ClientScreen
    from screens.clients import ClientsScreen
    from screens.confirm import DiscardScreen
    from screens.conflict import ConflictScreen
    from screens.decide import DecideScreen
    from screens.documents import DocumentMenu, DocumentScreen
    from screens.forms import FormScreen
    from screens.review import ReviewScreen
    from screens.tables import KeyTable
    from screens.team import TeamScreen
    from screens.welcome import WelcomeScreen

    for owner in (ScopekeeperApp, ReviewScreen, ClientsScreen, ClientScreen, TeamScreen,
                  KeyTable, DecideScreen, FormScreen, ConflictScreen, WelcomeScreen,
                  DocumentScreen, DocumentMenu, DiscardScreen):
        for b in owner.BINDINGS:
            if isinstance(b, Binding) and b.id:
                yield owner.__name__, b


def binding_ids() -> set[str]:
    return {b.id for _, b in all_bindings() if b.id}
