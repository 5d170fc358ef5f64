"""Files a person asks for (exports, documents): written where they said, readable by them
only, and a path that cannot be written is one line that says what to do."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from tests.accounts import GROUP, give, open_place, owner, unprivileged
from tests.cli.test_commands import BIN, sk
from tests.ui.helpers import demo_file


@pytest.fixture
def place():
    """A folder every account may enter (see tests/accounts.py)."""
    yield from open_place()

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


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory):
    """The data in a group-shared folder (setgid, group-writable), of another group than
    the writer's own when the tests run as root."""
    folder = tmp_path_factory.mktemp("shared") / "agency"
    folder.mkdir()
    if os.geteuid() == 0:
        os.chown(folder, -1, GROUP)
    os.chmod(folder, 0o2770)
    return demo_file(folder / "agency.json")


#: Every way a document or an export reaches a file: (command, the files it writes).
OUTPUTS = {
    "render": (WRITERS["render"], "a.md", ["a.md"]),
    "export-json": (WRITERS["export-json"], "a.json", ["a.json"]),
    "export-ics": (("export", "--format", "ics", "-o"), "a.ics", ["a.ics"]),
    "export-zip": (WRITERS["export-zip"], "a.zip", ["a.zip"]),
    "export-csv": (("export", "--format", "csv", "-o"), "csv/new",
                   ["csv/new/clients.csv", "csv/new/interactions.csv"]),
}


def _umasked(umask: int, *args: str, db) -> subprocess.CompletedProcess[str]:
    old = os.umask(umask)
    try:
        return sk(*args, db=db)
    finally:
        os.umask(old)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077], ids=["umask000", "umask022", "umask077"])
@pytest.mark.parametrize("data", ["private", "shared"])
@pytest.mark.parametrize("writer", OUTPUTS)
def test_documents_and_exports_are_as_private_as_the_data_whatever_the_umask(
        db, shared_db, tmp_path, writer, data, umask):
    """Private data: readable by its owner only. Data in a group-shared folder: readable by
    that group too (colleagues read the export), in that group, wherever it is written.
    Never by others; a folder made for them is 0700 (2770 in the group)."""
    args, name, files = OUTPUTS[writer]
    source = db if data == "private" else shared_db
    out = _umasked(umask, *args, str(tmp_path / name), db=source)
    assert out.returncode == 0, out.stderr
    group = source.parent.stat().st_gid
    for written in files:
        st = (tmp_path / written).stat()
        if data == "private":
            assert stat.S_IMODE(st.st_mode) == 0o600, written
        else:
            assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o660, group), written
    for folder in ("csv", "csv/new") if writer == "export-csv" else ():
        st = (tmp_path / folder).stat()
        want = 0o700 if data == "private" else 0o2770
        assert stat.S_IMODE(st.st_mode) == want, folder
        assert data == "private" or st.st_gid == group


@pytest.mark.parametrize("writer", WRITERS)
def test_in_a_group_shared_folder_the_group_may_read_what_we_write(db, tmp_path, writer):
    group = tmp_path / "shared"
    group.mkdir()
    os.chmod(group, 0o2770)  # a group-shared folder: the group may read it too
    shared = group / ("a.zip" if writer == "export-zip" else "a.md")
    assert _umasked(0o077, *WRITERS[writer], str(shared), db=db).returncode == 0
    assert stat.S_IMODE(shared.stat().st_mode) == 0o660


# --- where the output cannot go: one line, exit 2, nothing written, never a traceback ----

@pytest.fixture
def own_db(place):
    """A data file the unprivileged account owns, in a folder every account may enter."""
    folder = place / "data"
    folder.mkdir()
    demo_file(folder / "agency.json")
    return give(folder, owner()) / "agency.json"


STREAMS = {"render": WRITERS["render"], "export-json": WRITERS["export-json"],
           "export-ics": ("export", "--format", "ics", "-o")}


@pytest.mark.parametrize("writer", STREAMS)
def test_a_full_disk_is_one_line(place, own_db, writer):
    """/dev/full is a disk that is always full: the write fails with ENOSPC (the device is
    written into, as by the shell's '>', never replaced by a file)."""
    out = unprivileged(place, *STREAMS[writer], "/dev/full", "--db", str(own_db))
    assert (out.returncode, out.stdout) == (2, ""), out.stderr
    assert out.stderr == "scopekeeper: error: /dev/full: cannot write: No space left on device\n"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


@pytest.mark.parametrize("writer", [*STREAMS, "export-csv"])
def test_a_folder_closed_to_the_person_is_one_line(place, own_db, writer):
    closed = place / "closed"
    closed.mkdir(mode=0o700)
    if os.geteuid() != 0:
        os.chmod(closed, 0o500)  # their own, but not writable
    args = ("export", "--format", "csv", "-o") if writer == "export-csv" else STREAMS[writer]
    target = closed / "sub" / "out" if writer == "export-csv" else closed / "out.md"
    out = unprivileged(place, *args, str(target), "--db", str(own_db))
    assert (out.returncode, out.stdout) == (2, ""), out.stderr
    assert out.stderr.startswith("scopekeeper: error: ") and out.stderr.count("\n") == 1
    assert "you may not write in this folder: choose one of yours" in out.stderr
    assert "Traceback" not in out.stderr
    os.chmod(closed, 0o700)
    assert list(closed.iterdir()) == []


LONG = "x" * 300  # longer than a file name may be


@pytest.mark.parametrize(("args", "says"), [
    (("export", "--format", "csv", "-o", "/proc/sk-no/csv"),
     "/proc/sk-no: cannot make this folder: No such file or directory"),
    (("render", "kickoff", "--client", "Lumen", "-o", "{tmp}/" + LONG + "/a.md"),
     "{tmp}/" + LONG + "/a.md: File name too long: give another file name"),
    (("export", "--format", "json", "-o", "{tmp}/" + LONG + "/a.json"),
     "{tmp}/" + LONG + "/a.json: File name too long: give another file name"),
], ids=["csv-folder-in-proc", "render-name-too-long", "json-name-too-long"])
def test_a_path_the_system_refuses_is_one_line(db, tmp_path, args, says):
    out = sk(*(a.format(tmp=tmp_path) for a in args), db=db)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == f"scopekeeper: error: {says.format(tmp=tmp_path)}\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [("review",), ("export", "--format", "json"),
                                  ("render", "kickoff", "--client", "Lumen"), ("doctor",)],
                         ids=["review", "export", "render", "doctor"])
def test_standard_output_on_a_full_disk_is_one_line_exit_1(db, args):
    with open("/dev/full", "w", encoding="utf-8") as full:
        out = subprocess.run([str(BIN), *args, "--db", str(db)], stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert out.returncode == 1
    assert out.stderr == ("scopekeeper: error: standard output: cannot write: No space left "
                          "on device\n")


@pytest.mark.parametrize("args", [("render", "kickoff", "--client", "Lumen", "-o", ""),
                                  ("export", "--format", "json", "-o", ""),
                                  ("export", "--format", "csv", "--output", " ")],
                         ids=["render", "export-json", "export-csv"])
def test_an_empty_output_name_is_an_error_not_standard_output(db, args):
    out = sk(*args, db=db)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr.startswith("scopekeeper: error: argument -o/--output: must not be "
                                 "empty: give a file name (see 'scopekeeper ")


def test_standard_output_named_as_the_file_is_written_into_never_replaced(db):
    """``-o /dev/stdout`` (a pipe here) is written into, as by the shell's '>': no --force
    is needed, and the system's own link is left as it is."""
    out = sk("export", "--format", "ics", "-o", "/dev/stdout", db=db)
    assert (out.returncode, out.stdout[:15]) == (0, "BEGIN:VCALENDAR"), out.stderr
    assert os.path.islink("/dev/stdout")
