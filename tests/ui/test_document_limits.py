"""The document screen with a hostile or slow template of the agency's: refused at once,
"Writing…" can be cancelled, and quitting never waits for a template (its renderer process
is killed). Outcomes are waited for; the bounds below only fail a test that would hang."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import storage.templates
from screens.documents import DocumentMenu, DocumentScreen
from tests.ui.helpers import demo_file, make_app, plain, written
from tests.ui.test_flows import SIZE, client

#: A loop of 10**10 steps: it renders until its process is killed (the limits raised below).
SLOW = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
BOUND = 600  # polls, 0.05 s apart: 30 s before a hang is called a failure


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return demo_file(tmp_path / "agency.json")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


def renderers() -> set[int]:
    """The template renderer processes this process started and has not collected."""
    me, found = os.getpid(), set()
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text(encoding="utf-8")
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me and b"render_worker" in command:
            found.add(int(entry))
    return found


def exists(pid: int) -> bool:
    """A process id still taken (running, or a zombie nobody collected)."""
    return Path(f"/proc/{pid}").exists()


async def until(pilot: Any, outcome: Callable[[], Any]) -> Any:
    for _ in range(BOUND):
        got = outcome()
        if got:
            return got
        await pilot.pause(0.05)
    raise AssertionError("never happened")


@contextlib.contextmanager
def cleaned_up(fifo: Path | None = None) -> Iterator[set[int]]:
    """Whatever the test found, nothing it started is left waiting or running (on failure:
    the renderers it saw are killed, a reader of ``fifo`` gets end-of-file)."""
    pids: set[int] = set()
    try:
        yield pids
    finally:
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if fifo is not None:
            with contextlib.suppress(OSError):  # ENXIO: nobody reads it
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.fixture
def slow_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderer's own limits out of the way: only cancelling or quitting can stop it."""
    monkeypatch.setattr(storage.templates, "WALL_SECONDS", 3600)
    monkeypatch.setattr(storage.templates, "CPU_SECONDS", 3600)


async def test_a_named_pipe_template_is_refused_and_the_built_in_one_works(db, folder):
    fifo = folder / "kickoff.md.j2"
    os.mkfifo(fifo)
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    app.templates = folder
    with cleaned_up(fifo):
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(DocumentScreen(pine.id, "kickoff"))
            await until(pilot, lambda: app.screen.failed)
            body = plain(app.screen.query_one("#document-body"))
            assert f"{fifo}: refused: it is a named pipe (FIFO), not a regular file" in body
            assert "press b" in body.lower()
            await pilot.press("b")
            assert (await written(pilot, app)).startswith("# Scope of work: Pinecrest Realty")


async def test_the_menu_shows_a_refused_template_with_the_reason(db, folder, tmp_path):
    os.mkfifo(folder / "kickoff.md.j2")
    (folder / "change_order.md.j2").symlink_to(tmp_path / "agency.json")
    app = make_app(db)
    app.templates = folder
    with cleaned_up(folder / "kickoff.md.j2"):
        async with app.run_test(size=SIZE) as pilot:
            chosen: list[str | None] = []
            app.push_screen(DocumentMenu("Pinecrest Realty"), chosen.append)
            await pilot.pause()
            menu = app.screen.query_one("#document-list")

            def prompt(name: str) -> str:
                return str(menu.get_option(name).prompt.plain)

            await until(pilot, lambda: "refused" in prompt("kickoff"))
            assert "agency's template refused: it is a named pipe" in prompt("kickoff")
            assert "outside the templates directory" in prompt("change_order")
            assert "refused" not in prompt("call_summary")
            await pilot.press("1")  # chosen as before: the document screen says what is wrong
            await until(pilot, lambda: chosen == ["kickoff"])


async def test_escape_cancels_writing_and_kills_the_renderer(db, folder, slow_allowed):
    (folder / "kickoff.md.j2").write_text(SLOW, encoding="utf-8")
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    app.templates = folder
    with cleaned_up() as pids:
        async with app.run_test(size=SIZE) as pilot:
            app.open_client(pine.id)
            await pilot.pause()
            app.push_screen(DocumentScreen(pine.id, "kickoff"))
            pids |= await until(pilot, renderers)
            body = plain(app.screen.query_one("#document-body"))
            assert body.startswith("Writing…") and "(esc or ⌫ cancels)" in body
            await pilot.press("escape")
            await until(pilot, lambda: not any(map(exists, pids)))
            assert type(app.screen).__name__ == "ClientScreen"
            # the app goes on as before: another document is written
            app.push_screen(DocumentScreen(pine.id, "new_contact_briefing"))
            assert (await written(pilot, app)).startswith("# Welcome briefing: Pinecrest")


async def test_quitting_while_writing_never_waits_for_the_renderer(db, folder, slow_allowed):
    (folder / "kickoff.md.j2").write_text(SLOW, encoding="utf-8")
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    app.templates = folder
    with cleaned_up() as pids:
        async with app.run_test(size=SIZE) as pilot:
            app.push_screen(DocumentScreen(pine.id, "kickoff"))
            pids |= await until(pilot, renderers)
            await pilot.press("q")
        assert app.return_code == 0
        for _ in range(BOUND):  # the app has exited: its renderer must go too
            if not any(map(exists, pids)):
                break
            await asyncio.sleep(0.05)
        assert not any(map(exists, pids)), "the renderer outlived the app"


async def test_a_templates_directory_that_is_not_one_is_a_notification(db, tmp_path):
    where = tmp_path / "templates"
    where.write_text("not a directory\n", encoding="utf-8")
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    app.templates = where
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(DocumentScreen(pine.id, "kickoff"))
        await until(pilot, lambda: app.screen.failed)
        said = [str(n.message) for n in app._notifications]
        assert said == [f"{where}: the templates directory (templates.dir) is not a directory; "
                        "correct templates.dir ('scopekeeper config' shows where it is set)"]
        await pilot.press("b")
        assert (await written(pilot, app)).startswith("# Scope of work: Pinecrest Realty")
