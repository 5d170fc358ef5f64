"""The app's "save to file" never writes a document onto one of the store's own files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screens.documents import DocumentScreen
from screens.forms import FormScreen
from tests.ui.helpers import demo_file, make_app, plain, written
from tests.ui.test_flows import SIZE, client


@pytest.fixture
def db(tmp_path):
    (tmp_path / "data").mkdir()
    return demo_file(tmp_path / "data" / "agency.json")


def spellings(db: Path, tmp_path: Path) -> list[str]:
    """The data file, its journal and a backup, spelt directly, with `..`, by a symlink and
    by a hard link."""
    link = tmp_path / "looks-harmless.md"
    link.symlink_to(db.with_name(db.name + ".journal"))
    hard = tmp_path / "data" / "also-harmless.md"
    os.link(db, hard)
    return [str(db), str(db.parent / "backups" / ".." / (db.name + ".journal")),
            str(db.parent / "backups" / "kickoff.md"), str(link), str(hard)]


def files_of(directory: Path) -> dict[Path, tuple[int, bytes]]:
    """Every file but the kept review and digest (the app itself rewrites those)."""
    return {p: (p.stat().st_ino, p.read_bytes()) for p in sorted(directory.rglob("*"))
            if p.is_file() and p.suffix not in (".review", ".digest")}


async def test_a_document_is_never_saved_onto_the_stores_files(db, tmp_path):
    pine = client(db, "Pinecrest Realty")
    app = make_app(db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.workspace.store.compact()  # a journal and a backup beside the data file
        targets = spellings(db, tmp_path)
        before = files_of(db.parent)
        app.push_screen(DocumentScreen(pine.id, "kickoff"))
        await written(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        for target in targets:
            app.screen.query_one("#field-path").value = target
            await pilot.press("ctrl+s")
            await pilot.pause()
            # refused in the form, what was typed kept: no "exists. Replace it?" question
            # that would lead to --force
            assert isinstance(app.screen, FormScreen), target
            message = plain(app.screen.query_one("#msg-path"))
            assert message.startswith("✗ it is ") and "choose another file name" in message
            assert app.screen.query_one("#field-path").value == target
        assert files_of(db.parent) == before
        assert not (db.parent / "backups" / "kickoff.md").exists()


async def test_a_file_name_alone_goes_home_and_a_bad_folder_says_what_to_do(db, tmp_path):
    import stat

    from screens.app import ScopekeeperApp
    from storage.workspace import Workspace
    from tests.factories import TODAY

    home = tmp_path / "home"
    home.mkdir()
    pine = client(db, "Pinecrest Realty")
    app = ScopekeeperApp(Workspace(db, user="t", clock=lambda: TODAY), home=home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        app.push_screen(DocumentScreen(pine.id, "kickoff"))
        await written(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        intro = str(app.screen.query_one("#form-intro").render())
        assert f"A file name alone goes in {home} (your home)" in intro
        app.screen.query_one("#field-path").value = "kickoff.md"
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = home / "kickoff.md"
        assert saved.read_text(encoding="utf-8").startswith("# Scope of work: Pinecrest")
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one("#field-path").value = str(tmp_path / "nowhere" / "k.md")
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = plain(app.screen.query_one("#msg-path"))
        assert message == f"✗ {tmp_path / 'nowhere'}: no such folder: give a folder that exists"
        assert isinstance(app.screen, FormScreen)  # what was typed is still there to correct
