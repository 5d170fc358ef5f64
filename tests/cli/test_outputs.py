"""Files a person asks for (exports, documents): written where they said, readable by them
only, and a path that cannot be written is one line that says what to do."""

from __future__ import annotations

import os
import stat

import pytest

from tests.cli.test_commands import sk
from tests.ui.helpers import demo_file

WRITERS = {
    "render": ("render", "kickoff", "--client", "Lumen", "-o"),
    "export-json": ("export", "--format", "json", "-o"),
    "export-zip": ("export", "--format", "csv", "-o"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return demo_file(tmp_path_factory.mktemp("out") / "agency.json")


NO_FOLDER = ("missing/x.{ext}", "{tmp}/missing: no such folder: give a folder that exists")
A_FOLDER = ("folder", "{tmp}/folder is a folder: give a file name in it")


@pytest.mark.parametrize(("writer", "where", "says"), [
    ("render", *NO_FOLDER), ("export-json", *NO_FOLDER), ("export-zip", *NO_FOLDER),
    ("render", *A_FOLDER), ("export-json", *A_FOLDER),  # (csv writes into a folder: its use)
], ids=["render-no-folder", "json-no-folder", "zip-no-folder", "render-folder", "json-folder"])
def test_an_output_path_that_cannot_be_written_is_one_line_exit_2(db, tmp_path, writer, where,
                                                                   says):
    (tmp_path / "folder").mkdir()
    ext = "zip" if writer == "export-zip" else "md"
    target = tmp_path / where.format(ext=ext)
    out = sk(*WRITERS[writer], str(target), db=db)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == f"scopekeeper: error: {says.format(tmp=tmp_path)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]  # nothing written


@pytest.mark.parametrize("writer", WRITERS)
def test_what_we_write_is_readable_by_its_owner_only_whatever_the_umask(db, tmp_path, writer):
    target = tmp_path / ("a.zip" if writer == "export-zip" else "a.md")
    old = os.umask(0)
    try:
        out = sk(*WRITERS[writer], str(target), db=db)
    finally:
        os.umask(old)
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    group = tmp_path / "shared"
    group.mkdir()
    os.chmod(group, 0o2770)  # a group-shared folder: the group may read it too
    shared = group / target.name
    assert sk(*WRITERS[writer], str(shared), db=db).returncode == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o660

