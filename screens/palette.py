"""Command palette entries, each read as ``noun: verb``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tracker.models import InteractionKind
from tracker.text import clean_line

if TYPE_CHECKING:
    from screens.app import ScopekeeperApp


class AgencyCommands(Provider):
    """Screens, clients, and what can be logged for the client in view."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app: ScopekeeperApp = self.app  # type: ignore[assignment]
        cmds: list[tuple[str, Callable[[], Any], str]] = [
            ("screen: review", partial(app.switch_mode, "review"), "today's queue"),
            ("screen: clients", partial(app.switch_mode, "clients"), "every client"),
            ("screen: team", partial(app.switch_mode, "team"), "load and coverage"),
            ("data: reload", app.action_reload, "read the data file again"),
        ]
        from screens.editors import edit_client, edit_member
        from screens.entries import log_interaction

        cmds.append(("client: new", partial(edit_client, app), "add a client"))
        cmds.append(("person: new", partial(edit_member, app), "add a team member"))
        current = getattr(app.screen, "client_id", None)
        snap = app.snapshot
        a = snap.assessment(current) if current else None
        if a is not None:
            name = clean_line(a.client.name)
            for kind in InteractionKind:
                cmds.append((f"log: {kind.label}", partial(log_interaction, app, a.client, kind),
                             f"with {name}"))
            cmds.append((f"client: edit {name}", partial(edit_client, app, a.client), ""))
            from screens.entries import ACTIVITY, open_entry

            cmds.append(("log: activity or test", partial(open_entry, app, a.client, ACTIVITY),
                         f"for {name}'s monthly report"))
            from screens.documents import open_document
            from tracker.documents import DOCUMENTS

            for doc in DOCUMENTS.values():
                cmds.append((f"document: {doc.title.lower()}",
                             partial(open_document, app, a.client.id, doc.name), f"for {name}"))
        for c in snap.agency.clients:
            cmds.append((f"client: open {clean_line(c.name)}",
                         partial(app.open_client, c.id), c.status.value))
        return cmds

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            if not name.startswith("client: open"):
                yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
