"""Command palette entries, each read as ``noun: verb``.

The keys of the screen the palette was opened on are entries too (``review: snooze``), and
choosing one runs the same action as its key, through the same ``check_action``: only what
the key could do right now is offered. Logging, editing and documents are offered for the
client in view: the one open, or the one selected in a list.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.markup import escape
from textual.screen import Screen

from screens.bindings import action_name, own_bindings, usable_now
from screens.context import context_of
from screens.flows.clients import edit_client
from screens.flows.documents import open_document
from screens.flows.entries import ACTIVITY, log_interaction, open_entry
from screens.flows.team import edit_member
from tracker.documents import DOCUMENTS
from tracker.models import InteractionKind
from tracker.text import clean_line

Command = tuple[str, Callable[[], Any], str]

#: Textual's own palette commands already quit and show the keys ("Quit", "Keys").
LEFT_TO_TEXTUAL = {"quit", "toggle_help"}


def client_in_view(screen: Screen[Any]) -> str | None:
    """The client a screen is about: the one it shows, or the one selected in its list."""
    shown = getattr(screen, "client_id", None)
    if isinstance(shown, str):
        return shown
    selected = getattr(screen, "selected", None)
    item = selected() if callable(selected) else None
    client = getattr(item, "client", None)  # a Clients row
    found = getattr(item, "client_id", None) or getattr(client, "id", None)
    return found if isinstance(found, str) else None


def key_commands(screen: Screen[Any]) -> list[Command]:
    """The keys of ``screen`` and the app-wide ones that would do something now."""
    app = screen.app
    keys = context_of(app).keys
    out: list[Command] = []
    for owner in keys.catalogue.owners:
        if owner.cls not in (type(app), type(screen)):
            continue
        target: DOMNode = app if owner.cls is type(app) else screen
        for b in own_bindings(owner.cls):
            name = action_name(b)
            if b.id is None or name in LEFT_TO_TEXTUAL or usable_now(target, b,
                                                                      screen) is not True:
                continue
            tab = getattr(screen, "tab", None)  # a tabbed screen: "signs: acknowledge"
            noun = (tab if isinstance(tab, str) else owner.noun) if target is screen else (
                "screen" if name == "show" else "app")
            out.append((f"{noun}: {b.description.lower()}",
                        partial(app.run_action, b.action, target),
                        f"key {keys.label(b.id)}"))
    return out


class AgencyCommands(Provider):
    """Screens, keys, clients, and what can be logged or written for the client in view."""

    def _commands(self) -> list[Command]:
        ctx = context_of(self.app)
        screen = self.screen  # the screen the palette was opened on
        cmds = key_commands(screen)

        names = {n for n, _, _ in cmds}
        if "clients: new" not in names:  # on Clients, its key's entry does it
            cmds.append(("client: new", partial(edit_client, ctx), "add a client"))
        if "team: new person" not in names:  # likewise on Team
            cmds.append(("person: new", partial(edit_member, ctx), "add a team member"))
        snap = ctx.snapshot
        current = client_in_view(screen)
        a = snap.assessment(current) if current and not snap.partial else None
        if a is not None:
            name = clean_line(a.client.name)
            for kind in InteractionKind:
                cmds.append((f"log: {kind.label}", partial(log_interaction, ctx, a.client, kind),
                             f"with {name}"))
            cmds.append((f"client: edit {name}", partial(edit_client, ctx, a.client), ""))
            cmds.append(("log: activity or test", partial(open_entry, ctx, a.client, ACTIVITY),
                         f"for {name}'s monthly report"))
            for doc in DOCUMENTS.values():
                cmds.append((f"document: {doc.title.lower()}",
                             partial(open_document, ctx, a.client.id, doc.name), f"for {name}"))
        for c in snap.agency.clients:
            cmds.append((f"client: open {clean_line(c.name)}",
                         partial(ctx.open_client, c.id), c.status.value))
        return cmds

    # The palette reads a hit's help (and a plain prompt) as markup: client names in them
    # are escaped, so that "[b]" in a name is text (and "[/x]" no error).
    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            if not name.startswith("client: open"):
                yield DiscoveryHit(escape(name), run, text=name, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name,
                          help=escape(help_text))
