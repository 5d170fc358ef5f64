"""What a person sees when the files are there but not for them: a colleague not yet in the
agency's group, a file whose mode someone narrowed by hand, a folder they may not write.
One line naming the file or folder at fault and whom to ask; exit 1; nothing written.
Acted out by other Unix accounts (see ``tests/accounts.py``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.accounts import GROUP, MEMBER, NEWCOMER, give, needs_accounts, open_place, run_as
from tests.cli.test_commands import BIN, sk
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file


@pytest.fixture
def place():
    """A folder every account may enter (see tests/accounts.py)."""
    yield from open_place()


def _shared_data(base: Path) -> Path:
    """The agency's folder as docs/shared-server.md makes it: root:GROUP 2770, files 0660."""
    srv = base / "srv"
    srv.mkdir()
    os.chown(srv, 0, GROUP)
    os.chmod(srv, 0o2770)
    db = demo_file(srv / "agency.json")
    assert run_as(MEMBER, base, "log", "Lumen", "--kind", "email", "--db", str(db)).returncode == 0
    return db


COMMANDS = {"review": ("review",), "log": ("log", "Lumen", "--kind", "email"),
            "compact": ("compact",), "export": ("export", "--format", "json"),
            "history": ("history", "Lumen"), "restore": ("restore", "latest"),
            "render": ("render", "kickoff", "--client", "Lumen"), "requests": ("requests", "Lumen"),
            "the-app": (),
            # every other command that reads or writes the data file
            "demo": ("demo", "--force"), "nps": ("nps", "Lumen", "8"),
            "budget": ("budget", "Lumen", "7000", "--from", "8000"),
            "access": ("access", "Lumen", "Orbit Media"),
            "contact": ("contact", "Lumen", "Dana Reyes"), "calls": ("calls", "Lumen"),
            "export-ics": ("export", "--format", "ics")}


@needs_accounts
@pytest.mark.parametrize("command", COMMANDS)
def test_a_colleague_not_yet_in_the_group_is_told_whom_to_ask(place, command):
    db = _shared_data(place)
    srv = db.parent
    before = sorted((p.name, p.stat().st_size) for p in srv.iterdir())
    out = run_as(NEWCOMER, place, *COMMANDS[command], "--db", str(db))
    assert (out.returncode, out.stdout) == (1, ""), out.stderr
    assert out.stderr == (f"scopekeeper: error: {db}: you may not enter {srv}: ask to be added "
                          f"to the group '{GROUP}' that owns {srv} (then log in again)\n")
    assert sorted((p.name, p.stat().st_size) for p in srv.iterdir()) == before


#: Commands told so when they cannot read the data file (the app, in a terminal, likewise).
READERS = ("review", "log", "history", "export", "render", "demo", "compact")


@needs_accounts
@pytest.mark.parametrize("command", READERS)
def test_a_colleague_who_may_enter_the_folder_but_not_read_the_file_is_told_whom_to_ask(
        place, command):
    """The folder is open to everyone (2775), its files to the group only (0660): not a bare
    "Permission denied" but whom to ask."""
    db = _shared_data(place)
    os.chmod(db.parent, 0o2775)
    before = sorted((p.name, p.stat().st_size) for p in db.parent.iterdir())
    out = run_as(NEWCOMER, place, *COMMANDS[command], "--db", str(db))
    assert (out.returncode, out.stdout) == (1, ""), out.stderr
    assert out.stderr == (f"scopekeeper: error: {db}: cannot read: permission denied: ask to "
                          f"be added to the group '{GROUP}' that owns {db} (then log in "
                          "again)\n")
    assert sorted((p.name, p.stat().st_size) for p in db.parent.iterdir()) == before


@needs_accounts
@pytest.mark.parametrize("command", [c for c in READERS if c != "review"])  # (kept review)
def test_a_data_file_narrowed_by_hand_is_named_with_the_chmod(place, command):
    db = _shared_data(place)
    os.chown(db, 0, GROUP)  # another member's file...
    os.chmod(db, 0o600)  # ... narrowed to them
    out = run_as(MEMBER, place, *COMMANDS[command], "--db", str(db))
    assert (out.returncode, out.stdout) == (1, ""), out.stderr
    assert out.stderr == (f"scopekeeper: error: {db}: cannot read: permission denied (it is "
                          f"-rw-------): ask its owner to let the group '{GROUP}' read it: "
                          f"chmod g+rwX -- {db}\n")


@needs_accounts
def test_history_names_an_audit_trail_narrowed_by_hand(place):
    db = _shared_data(place)
    assert run_as(MEMBER, place, "compact", "--db", str(db)).returncode == 0
    audit = db.with_name("agency.json.audit")
    os.chown(audit, 0, GROUP)
    os.chmod(audit, 0o600)
    out = run_as(MEMBER, place, "history", "Lumen", "--db", str(db))
    assert (out.returncode, out.stdout) == (1, ""), out.stderr
    assert out.stderr == (f"scopekeeper: error: {audit}: cannot read: permission denied (it "
                          f"is -rw-------): ask its owner to let the group '{GROUP}' read it: "
                          f"chmod g+rwX -- {audit}\n")


@needs_accounts
@pytest.mark.parametrize("closed", ["file", "folder"])
@pytest.mark.parametrize("command", ["review", "config", "the-app"])
def test_ones_own_configuration_closed_by_hand_says_the_chmod(place, closed, command):
    db = _shared_data(place)
    folder = place / "home" / str(MEMBER) / ".config" / "scopekeeper"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text("[ui]\n")
    give(place / "home" / str(MEMBER), MEMBER)
    os.chmod(folder / "config.toml" if closed == "file" else folder, 0)
    out = run_as(MEMBER, place, *COMMANDS.get(command, (command,)), "--db", str(db))
    assert (out.returncode, out.stdout) == (1, ""), out.stderr
    says = (f"cannot read: permission denied (it is ----------): it is yours: chmod u+rwX -- "
            f"{folder / 'config.toml'}" if closed == "file" else
            f"you may not enter {folder}: it is yours: chmod u+rwx -- {folder}")
    assert out.stderr == f"scopekeeper: error: {folder / 'config.toml'}: {says}\n"


@needs_accounts
def test_doctor_tells_a_colleague_not_yet_in_the_group_whom_to_ask(place):
    db = _shared_data(place)
    out = run_as(NEWCOMER, place, "doctor", "--db", str(db))
    assert out.returncode == 1, out.stderr
    assert out.stdout.splitlines() == [
        f"error: {db}: you may not enter {db.parent}",
        f"  fix: ask to be added to the group '{GROUP}' that owns {db.parent} (then log in "
        "again)",
        f"{db}: 1 error(s), 0 warning(s)"]
    assert out.stderr == ""


@needs_accounts
def test_an_unreadable_journal_is_named_with_the_remedy_not_a_restore(place):
    """Someone narrowed the journal to its owner by hand: the member's commands name the
    journal (not agency.json), and doctor's fix is the chmod, not a restore."""
    db = _shared_data(place)
    journal = db.with_name("agency.json.journal")
    os.chown(journal, 0, GROUP)  # another member's file...
    os.chmod(journal, 0o600)  # ... narrowed to them
    says = (f"{journal}: cannot read: permission denied (it is -rw-------): ask its owner to "
            f"let the group '{GROUP}' read it: chmod g+rwX -- {journal}")
    out = run_as(MEMBER, place, "review", "--db", str(db))
    assert (out.returncode, out.stderr) == (1, f"scopekeeper: error: {says}\n")
    out = run_as(MEMBER, place, "doctor", "--db", str(db))
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    at = lines.index(f"error: {says.split(': ask ')[0]}")
    assert lines[at + 1] == f"  fix: ask {says.split(': ask ')[1]}"
    assert "restore" not in out.stdout


@needs_accounts
def test_doctor_names_a_backups_folder_closed_to_the_person(place):
    db = _shared_data(place)
    assert sk("compact", db=db).returncode == 0
    folder = db.parent / "backups"
    os.chown(folder, 0, GROUP)
    os.chmod(folder, 0o2700)
    out = run_as(MEMBER, place, "doctor", "--db", str(db))
    assert out.returncode == 1
    assert (f"error: {folder}: cannot read: permission denied (it is drwx--S---)\n"
            f"  fix: ask its owner to let the group '{GROUP}' read it: chmod g+rwX -- "
            f"{folder}\n") in out.stdout
    assert "no backups yet" not in out.stdout


@needs_accounts
def test_a_lock_file_that_cannot_be_opened_is_named(place):
    db = _shared_data(place)
    lock = db.with_name("agency.json.lock")
    os.chown(lock, 0, GROUP)
    os.chmod(lock, 0o600)
    journal = db.with_name("agency.json.journal").read_bytes()
    out = run_as(MEMBER, place, "log", "Lumen", "--kind", "email", "--db", str(db))
    assert out.returncode == 1
    assert out.stderr == (f"scopekeeper: error: {lock}: cannot write: permission denied (it is "
                          f"-rw-------): ask its owner to let the group '{GROUP}' write it: "
                          f"chmod g+rwX -- {lock}\n")
    assert db.with_name("agency.json.journal").read_bytes() == journal


@needs_accounts
def test_a_compaction_that_fails_adds_nothing_to_the_audit_trail(place):
    """The new data file cannot be written (its folder is read-only to the person): the
    compaction fails, names the folder, and the audit trail is exactly as it was: the saves
    are still in the journal, and the trail gets them, once, when a compaction succeeds."""
    folder = place / "ro"
    folder.mkdir()
    db = demo_file(folder / "agency.json")
    for n in range(3):
        assert sk("log", "Lumen", "--kind", "email", "--note", f"note {n}", db=db).returncode == 0
        if n == 0:  # an audit trail (with note 0) and a backup
            assert sk("compact", db=db).returncode == 0
    give(folder, NEWCOMER)
    os.chown(folder, 0, 0)  # the folder is root's: nobody else may make files in it
    os.chmod(folder, 0o755)
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    out = run_as(NEWCOMER, place, "compact", "--db", str(db))
    assert out.returncode == 1
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after["agency.json.audit"] == files["agency.json.audit"]
    assert after == files
    assert out.stderr.startswith(f"scopekeeper: error: {folder}: cannot write: permission "
                                 "denied"), out.stderr  # the folder, not agency.json
    assert out.stderr.count("\n") == 1
    assert sk("compact", db=db).returncode == 0
    history = sk("history", "Lumen", db=db).stdout
    assert [history.count(f'notes: "note {n}"') for n in range(3)] == [1, 1, 1]


# --- an empty path is a mistake, never "the default" -------------------------------------

def _configured(home: Path) -> Path:
    """The data file a person's configuration (here: the default place) leads to."""
    db = home / ".local" / "share" / "scopekeeper" / "scopekeeper.json"
    db.parent.mkdir(parents=True)
    return demo_file(db)


def _run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], env=sealed_env(home=home, **env),
                          capture_output=True, text=True, cwd=str(home), timeout=120,
                          check=False)


LOG = ("log", "Lumen", "--kind", "email")


@pytest.mark.parametrize(("args", "env", "says"), [
    ((*LOG, "--db", ""), {}, "argument --db: must not be empty: give a file name (see "
                             "'scopekeeper log --help')"),
    (("--db", " ", *LOG), {}, "argument --db: must not be empty: give a file name (see "
                              "'scopekeeper --help')"),
    ((*LOG, "--config", ""), {}, "argument --config: must not be empty: give a file name "
                                 "(see 'scopekeeper log --help')"),
    (LOG, {"SCOPEKEEPER_DB": ""}, "SCOPEKEEPER_DB is set but empty: give a file's path, or "
                                  "unset it (unset SCOPEKEEPER_DB)"),
    (LOG, {"SCOPEKEEPER_CONFIG": " "}, "SCOPEKEEPER_CONFIG is set but empty: give a file's "
                                       "path, or unset it (unset SCOPEKEEPER_CONFIG)"),
    (("restore", ""), {}, "argument BACKUP: must not be empty: give a file name (see "
                          "'scopekeeper restore --help')"),
    (("import", ""), {}, "argument FILE: must not be empty: give a file name (see "
                         "'scopekeeper import --help')"),
], ids=["--db", "--db-blank", "--config", "SCOPEKEEPER_DB", "SCOPEKEEPER_CONFIG", "restore",
        "import"])
def test_an_empty_path_is_an_error_and_nothing_is_written(tmp_path, args, env, says):
    home = tmp_path / "home"
    db = _configured(home)
    before = sorted(p.name for p in db.parent.iterdir()), db.read_bytes()
    out = _run(home, *args, **env)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", f"scopekeeper: error: {says}\n")
    assert (sorted(p.name for p in db.parent.iterdir()), db.read_bytes()) == before


@needs_accounts
def test_importing_a_file_from_a_folder_closed_to_the_person_is_one_line(place):
    db = _shared_data(place)
    csv = db.parent / "clients.csv"
    csv.write_text("name\nNew Co\n")
    out = run_as(NEWCOMER, place, "import", str(csv), "--db", str(place / "mine.json"))
    assert out.returncode == 2, out.stderr
    assert out.stderr == (f"scopekeeper: error: {csv}: you may not enter {db.parent}: ask to "
                          f"be added to the group '{GROUP}' that owns {db.parent} (then log "
                          "in again)\n")
