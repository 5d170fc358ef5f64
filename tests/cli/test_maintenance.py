"""compact, doctor and restore, as real processes on real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tinydb import TinyDB

from tests.cli.test_commands import BIN, review_json, sk
from tests.sealed import sealed_env


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "data" / "agency.json"
    sk("demo", db=path, check=True)
    sk("log", "lumen", "--kind", "email", "--note", "after the demo", db=path, check=True)
    return path


def journal(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def test_doctor_on_a_healthy_file(db):
    out = sk("doctor", db=db)
    assert out.returncode == 0, out.stdout
    lines = out.stdout.splitlines()
    assert lines[0].startswith("ok: agency.json: schema 4, ")
    assert "ok: agency.json.journal: 1 saved changes not yet compacted" in out.stdout
    assert lines[-1] == f"{db}: 0 error(s), 0 warning(s)"


def test_doctor_reports_damage_and_changes_nothing(db):
    damaged = journal(db).read_bytes() + b"not json\n"
    journal(db).write_bytes(damaged)
    before = db.read_bytes()
    out = sk("doctor", db=db)
    assert out.returncode == 1
    assert "error: agency.json.journal: damaged entry at byte" in out.stdout
    assert out.stdout.splitlines()[-1].endswith("1 error(s), 0 warning(s)")
    assert journal(db).read_bytes() == damaged and db.read_bytes() == before


def test_doctor_warns_of_a_killed_save_and_leftovers(db):
    with journal(db).open("ab") as f:
        f.write(b'{"seq": 9, "ops": [')
    (db.parent / f".{db.name}.x1.tmp").write_text("{", encoding="utf-8")
    out = sk("doctor", db=db)
    assert out.returncode == 0
    assert "warning: agency.json.journal: an unfinished save from a killed process" in out.stdout
    assert "warning: 1 temporary file(s) left by a killed writer" in out.stdout


@pytest.mark.parametrize(("content", "message"), [(b"", "the file is empty"),
                                                  (b"[1]", "not a TinyDB data file")],
                         ids=["empty", "not-tinydb"])
def test_doctor_on_a_broken_data_file(tmp_path, content, message):
    path = tmp_path / "agency.json"
    path.write_bytes(content)
    out = sk("doctor", db=path)
    assert out.returncode == 1 and message in out.stdout
    assert path.read_bytes() == content


def test_compact_leaves_one_file_stock_tinydb_reads(db):
    out = sk("compact", db=db, check=True)
    assert out.stdout.startswith(f"compacted {db} (")
    assert journal(db).read_bytes().count(b"\n") == 1  # only the header is left
    stock = TinyDB(db)
    assert len(stock.table("clients")) == 27
    assert any(d["notes"] == "after the demo" for d in stock.table("interactions").all())
    subprocess.run([sys.executable, "-m", "json.tool", str(db)], check=True,
                   capture_output=True)


def test_restore_brings_a_backup_back_and_keeps_the_current_data(db):
    sk("compact", db=db, check=True)
    backups = sorted((db.parent / "backups").glob("agency.*.json"))
    good = backups[-1]
    before = review_json(db)
    sk("log", "pinecrest", "--kind", "status_call", db=db, check=True)
    assert review_json(db) != before
    out = sk("restore", good.name, db=db, check=True)
    assert out.stdout.startswith(f"restored {good.name}: 27 clients")
    assert review_json(db) == before
    # what was there before the restore is itself a backup now
    newest = sorted((db.parent / "backups").glob("agency.*.json"))[-2]
    interactions = json.loads(newest.read_bytes())["interactions"].values()
    assert any(i["kind"] == "status_call" and i["client_id"] for i in interactions)


def test_restore_refuses_what_it_cannot_use(db, tmp_path):
    before = db.read_bytes()
    out = sk("restore", "no-such-backup.json", db=db)
    assert out.returncode == 2 and "no backup 'no-such-backup.json'" in out.stderr
    junk = tmp_path / "junk.json"
    junk.write_text('{"_meta": {"1": {"format": "scopekeeper", "schema": 2}}, "clients": '
                    '{"1": {"id": "x"}}}', encoding="utf-8")
    out = sk("restore", str(junk), db=db)
    assert out.returncode == 1 and "table 'clients', document 1" in out.stderr
    assert db.read_bytes() == before


def test_big_demo_then_log_then_review(tmp_path):
    path = tmp_path / "big.json"
    sk("demo", "--clients", "500", "--events", "100000", db=path, check=True)
    out = sk("log", "Northwind Outdoor", "--kind", "status call", db=path, check=True)
    assert out.stdout.startswith("logged status call with Northwind Outdoor")
    items = review_json(path)["items"]
    assert not [i for i in items if i["client"] == "Northwind Outdoor"
                and i["kind"].startswith("status_call")]
    assert sk("doctor", db=path).returncode == 0


# ---------------------------------------------------------------- recovery (issue 12)


def in_place(path: Path, data: bytes) -> None:
    """Overwrite a file through its own inode, as `>`, cp or an editor would."""
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate(len(data))


NOTES = ["first after the demo", "second after the demo", "third after the demo"]


@pytest.fixture
def logged(tmp_path) -> Path:
    """The demo (its base is also the newest backup), then three saves only in the journal."""
    path = tmp_path / "data" / "agency.json"
    sk("demo", db=path, check=True)
    for note in NOTES:
        sk("log", "lumen", "--kind", "email", "--note", note, db=path, check=True)
    return path


def notes(db: Path) -> set[str]:
    from storage.repositories import Store

    return {i.notes for i in Store(db).interactions.all()} & set(NOTES)


def damage(kind: str, db: Path) -> None:
    raw = db.read_bytes()
    if kind == "empty":
        in_place(db, b"")
    elif kind == "truncated":
        in_place(db, raw[: len(raw) // 2])  # cut mid-JSON
    elif kind == "garbage":
        in_place(db, b"\x89PNG\r\n\x1a\n not our data")
    elif kind == "journal-line":
        header, one, two, three, _ = journal(db).read_bytes().split(b"\n")
        in_place(journal(db), b"\n".join([header, one, two[: len(two) // 2], three, b""]))
    elif kind == "no-data-file":
        db.unlink()


@pytest.mark.parametrize("kind", ["empty", "truncated", "garbage", "journal-line",
                                  "no-data-file"])
def test_restore_latest_works_from_the_damage_it_exists_for(logged, kind):
    damage(kind, logged)
    kept = {p.name: p.read_bytes() for p in logged.parent.glob("agency.json*")
            if p.name in ("agency.json", "agency.json.journal")}
    refused = sk("review", db=logged)
    assert refused.returncode == 1 and "'scopekeeper restore latest'" in refused.stderr
    out = sk("restore", "latest", db=logged)
    assert out.returncode == 0, out.stderr
    said = out.stdout.splitlines()
    assert said[0].startswith("restored agency.") and ": 27 clients" in said[0]
    assert said[1].startswith("the data was damaged (")
    copies = said[2].removeprefix("kept as it was: ").split(", ")
    assert sorted(Path(p).read_bytes() for p in copies) == sorted(kept.values())
    if kind == "journal-line":  # the damaged save is named; the others come back
        assert said[3] == "replayed 2 saved change(s) from the journal that were newer than " \
            "the backup"
        assert said[4].startswith("not brought back: agency.json.journal: line 3 (byte ")
        assert notes(logged) == {NOTES[0], NOTES[2]}
    else:
        assert said[3:] == ["replayed 3 saved change(s) from the journal that were newer "
                            "than the backup"]
        assert notes(logged) == set(NOTES)
    assert sk("doctor", db=logged).returncode == 0
    history = sk("history", "lumen", db=logged, check=True).stdout.splitlines()
    assert "replaced all data (restore)  from agency." in history[-1]


def test_restore_without_backups_says_there_is_nothing_to_restore(logged):
    shutil.rmtree(logged.parent / "backups")
    damage("truncated", logged)
    before = {p: p.read_bytes() for p in logged.parent.iterdir()}
    out = sk("restore", "latest", db=logged)
    assert out.returncode == 1
    assert out.stderr == (f"scopekeeper: error: nothing to restore: there are no backups in "
                          f"{logged.parent / 'backups'} (one is kept at every compaction); "
                          "give a copy of the data file kept elsewhere: scopekeeper restore "
                          "FILE\n")
    assert {p: p.read_bytes() for p in logged.parent.iterdir()} == before


def _fixes(out: str) -> list[str]:
    return [ln.removeprefix("  fix: ").split("  (")[0] for ln in out.splitlines()
            if ln.startswith("  fix: ")]


def _unreadable_backup(db: Path) -> None:
    sk("compact", db=db, check=True)  # a second backup: the first one is then damaged
    in_place(sorted((db.parent / "backups").glob("agency.*.json"))[0], b"{")


@pytest.mark.parametrize(("kind", "level", "verb"), [
    ("empty", "error", "scopekeeper restore latest --db "),
    ("truncated", "error", "scopekeeper restore latest --db "),
    ("garbage", "error", "scopekeeper restore latest --db "),
    ("journal-line", "error", "scopekeeper restore latest --db "),
    ("no-data-file", "error", "scopekeeper restore latest --db "),
    ("torn-line", "warning", "scopekeeper compact --db "),
    ("temp-file", "warning", "scopekeeper compact --db "),
    ("no-backups", "warning", "scopekeeper compact --db "),
    ("world-readable", "warning", "chmod o-rwx -- "),
    ("unreadable-backup", "error", "mv -- "),
])
def test_doctor_names_the_command_that_fixes_what_it_finds(logged, kind, level, verb):
    """Run doctor, run the command it names, run doctor again: nothing left to fix."""
    if kind == "torn-line":
        with journal(logged).open("ab") as f:
            f.write(b'{"seq": 9, "ops": [')
    elif kind == "temp-file":
        (logged.parent / f".{logged.name}.x1.tmp").write_text("{", encoding="utf-8")
    elif kind == "no-backups":
        shutil.rmtree(logged.parent / "backups")
    elif kind == "world-readable":
        journal(logged).chmod(0o644)
    elif kind == "unreadable-backup":
        _unreadable_backup(logged)
    else:
        damage(kind, logged)
    out = sk("doctor", db=logged)
    assert out.returncode == (1 if level == "error" else 0), out.stdout
    found = [ln for ln in out.stdout.splitlines() if ln.startswith(("error:", "warning:"))]
    (fix,) = _fixes(out.stdout)
    assert found[0].startswith(f"{level}: ") and fix.startswith(verb), out.stdout
    if fix.startswith("scopekeeper "):
        assert fix.endswith(f" --db {logged}")
    env = sealed_env(PATH=f"{BIN.parent}:{os.environ['PATH']}")
    ran = subprocess.run(["sh", "-c", fix], capture_output=True, text=True, env=env,
                         timeout=120)
    assert ran.returncode == 0, ran.stderr
    again = sk("doctor", db=logged)
    assert again.returncode == 0 and again.stdout.splitlines()[-1].endswith(
        "0 error(s), 0 warning(s)"), again.stdout


# ---------------------------------------------------------------- the store's own files


def files_of(directory: Path) -> dict[Path, tuple[int, bytes]]:
    return {p: (p.stat().st_ino, p.read_bytes()) for p in sorted(directory.rglob("*"))
            if p.is_file()}


def test_the_commands_of_the_issue_never_overwrite_the_store(logged):
    """`export --format json -o agency.json --force` and `render -o agency.json.journal
    --force`, run in the data directory, used to overwrite the live store."""
    sk("review", db=logged, check=True)  # keeps the review and the digest too
    before = files_of(logged.parent)
    runs = [["export", "--format", "json", "-o", "agency.json", "--force"],
            ["render", "kickoff", "--client", "lumen", "-o", "agency.json.journal", "--force"]]
    for args in runs:
        out = subprocess.run([str(BIN), *args, "--db", str(logged)], capture_output=True,
                             text=True, cwd=logged.parent, timeout=120)
        assert out.returncode == 2, out.stderr
        (line,) = out.stderr.splitlines()
        assert line.startswith("scopekeeper: error: agency.json") and (
            "refusing to write there: it is the data file" in line)
    assert files_of(logged.parent) == before


def test_standard_output_onto_the_journal_is_refused(logged):
    """`scopekeeper export > agency.json.journal` (here in append mode, so the journal keeps
    what it had) must not write the export into the journal."""
    before = journal(logged).read_bytes()
    with journal(logged).open("ab") as stdout:
        out = subprocess.run([str(BIN), "export", "--format", "json", "--db", str(logged)],
                             stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120)
    assert out.returncode == 2 and "standard output is the data file's journal" in out.stderr
    assert journal(logged).read_bytes() == before


@pytest.fixture(scope="module")
def lived(tmp_path_factory) -> Path:
    """A data directory with every file the store keeps (a review, a digest, backups)."""
    path = tmp_path_factory.mktemp("lived") / "data" / "agency.json"
    sk("demo", db=path, check=True)
    sk("log", "lumen", "--kind", "email", db=path, check=True)
    sk("review", db=path, check=True)
    return path


STORE_FILES = ["agency.json", "agency.json.journal", "agency.json.lock", "agency.json.audit",
               "agency.json.review", "agency.json.digest", ".agency.json.abc.tmp", "BACKUP",
               "backups/new.json"]
WRITERS = {
    "export-json": ["export", "--format", "json", "--force", "-o"],
    "export-ics": ["export", "--format", "ics", "--force", "-o"],
    "render": ["render", "kickoff", "--client", "lumen", "--force", "-o"],
}


@pytest.mark.parametrize("spelling", ["absolute", "relative", "dotdot", "symlink", "hardlink"])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_export_or_document_is_written_onto_a_store_file(lived, tmp_path, monkeypatch,
                                                            capsys, writer, spelling):
    from scopekeeper.cli import main

    directory = lived.parent
    backup = sorted((directory / "backups").glob("agency.*.json"))[-1]
    monkeypatch.chdir(directory.parent)
    before = files_of(directory)
    for name in STORE_FILES:
        target = backup if name == "BACKUP" else directory / name
        if spelling == "relative":
            target = target.relative_to(directory.parent)
        elif spelling == "dotdot":
            target = directory / "backups" / ".." / target.relative_to(directory)
        elif spelling == "symlink":
            link = tmp_path / f"link-{len(list(tmp_path.iterdir()))}"
            link.symlink_to(target)
            target = link
        elif spelling == "hardlink":
            if not target.exists():
                continue
            link = directory / f"hard-{target.name}.out"
            os.link(target, link)
            before[link] = (link.stat().st_ino, link.read_bytes())
            target = link
        code = main([*WRITERS[writer], str(target), "--db", str(lived)], dict(os.environ))
        err = capsys.readouterr().err
        assert code == 2 and "refusing to write there" in err, (name, target, err)
        assert len(err.splitlines()) == 1
    assert files_of(directory) == before
    for link in directory.glob("hard-*.out"):
        link.unlink()


@pytest.mark.parametrize("target", ["backups/out.zip", "backups/out"])
def test_no_csv_export_goes_into_the_backups_folder(lived, capsys, target):
    from scopekeeper.cli import main

    before = files_of(lived.parent)
    out = lived.parent / target
    code = main(["export", "--format", "csv", "-o", str(out), "--db", str(lived)],
                dict(os.environ))
    assert code == 2 and "backups folder" in capsys.readouterr().err
    assert files_of(lived.parent) == before and not out.exists()


def test_the_refusal_names_a_hostile_path_cleanly(lived, tmp_path, capsys):
    """The path a person typed reaches the terminal through the cleaner: no escape passes."""
    from scopekeeper.cli import main

    hostile = tmp_path / "\x1b[2J\x1b]0;pwned\x07out.json"
    hostile.symlink_to(lived.with_name(lived.name + ".journal"))
    before = files_of(lived.parent)
    code = main(["export", "--format", "json", "-o", str(hostile), "--force", "--db",
                 str(lived)], dict(os.environ))
    err = capsys.readouterr().err
    assert code == 2 and "refusing to write there" in err
    assert "\x1b" not in err and "\x07" not in err and len(err.splitlines()) == 1
    assert files_of(lived.parent) == before
