from __future__ import annotations

from pathlib import Path

from screens.app import ScopekeeperApp
from storage.postgres.store import PgStore
from storage.repositories import Store
from storage.workspace import Workspace
from tests.factories import TODAY
from tests.pg_server import Server
from tracker.demo import make_demo

_DEMO_CACHE: dict[str, bytes] = {}
_DEMO_TEMPLATES: dict[str, str] = {}  # by server folder


def demo_file(path: Path) -> Path:
    """The demo agency as of TODAY written to ``path`` (generated once per session)."""
    if "demo" not in _DEMO_CACHE:
        tmp = path.with_suffix(".seed.json")
        Store(tmp).replace_all(make_demo(TODAY))
        _DEMO_CACHE["demo"] = tmp.read_bytes()
        for left in tmp.parent.glob(tmp.name + "*"):  # the file and its journal, lock, trail
            left.unlink()
    path.write_bytes(_DEMO_CACHE["demo"])
    return path


def demo_database(server: Server) -> str:
    """A new database holding the demo agency as of TODAY (a copy of one made once per
    server); its URL."""
    if str(server.base) not in _DEMO_TEMPLATES:
        name = server.create_database(keep=True)
        made = PgStore(server.url(name), "tester")
        made.replace_all(make_demo(TODAY))
        made.close()  # nobody may be connected to a database that is copied
        _DEMO_TEMPLATES[str(server.base)] = name
    return server.url(server.create_database(template=_DEMO_TEMPLATES[str(server.base)]))


def make_app(path: Path | str) -> ScopekeeperApp:
    return ScopekeeperApp(Workspace(path, user="tester", clock=lambda: TODAY))


def plain(widget) -> str:
    """The text a Static shows, whatever it was given (str, Text, Content, a Rich table)."""
    import io

    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    if hasattr(content, "plain"):
        return str(content.plain)
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


async def written(pilot, app) -> str:
    """The text of the document being shown, once its worker has rendered it."""
    from screens.documents import DocumentScreen

    for _ in range(100):  # rendered in a worker thread
        await pilot.pause(0.02)
        if isinstance(app.screen, DocumentScreen) and app.screen.text:
            return app.screen.text
    raise AssertionError("no document shown")
