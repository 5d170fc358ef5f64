"""``scopekeeper migrate FROM TO``: every record, losslessly, into an empty data location
only, with progress on standard error and what was copied on standard output."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scopekeeper.output import Steps
from storage.contract import Storage
from storage.errors import StorageError
from storage.tables import TABLES
from storage.workspace import Workspace
from tests.cli.test_commands import BIN
from tests.factories import TODAY, make_client
from tests.hostile import OSC52, hostile_agency
from tracker.models import Agency, Client

#: (FROM, TO) kinds of location: a data file, or a fresh database of the test run's own
#: PostgreSQL server (tests/postgres.py; skipped loudly where it cannot start).
PAIRS = [pytest.param("file", "file", id="tinydb-to-tinydb"),
         pytest.param("file", "postgresql", id="tinydb-to-postgresql"),
         pytest.param("postgresql", "file", id="postgresql-to-tinydb"),
         pytest.param("postgresql", "postgresql", id="postgresql-to-postgresql")]


def location(kind: str, tmp_path: Path, name: str, request: pytest.FixtureRequest) -> str:
    if kind == "file":
        return str(tmp_path / name / "agency.json")
    server = request.getfixturevalue("postgres_server")
    return str(server.url(server.create_database()))


def filled(where: str, agency: Agency) -> str:
    Workspace(where, user="tester", clock=lambda: TODAY).store.replace_all(agency, "test")
    return where


def sk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300)


def exported(where: str) -> dict[str, list[dict[str, object]]]:
    """``export --format json``'s records, each table in id order (the order a backend
    returns records in is not part of the data; the export's time stamp is left out)."""
    out = sk("export", "--format", "json", "--db", where)
    assert out.returncode == 0, out.stderr
    tables = json.loads(out.stdout)["tables"]
    return {name: sorted(rows, key=lambda r: r["id"]) for name, rows in tables.items()}


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_migrate_copies_every_record_losslessly(tmp_path, source, target, request):
    agency = hostile_agency(TODAY)  # hostile text in every field of every record type
    src = filled(location(source, tmp_path, "from", request), agency)
    dst = location(target, tmp_path, "to", request)
    out = sk("migrate", src, dst)
    assert out.returncode == 0, out.stderr
    assert exported(dst) == exported(src)
    assert sum(map(len, exported(dst).values())) > 13  # every type, not an empty copy
    assert f"copied {sum(map(len, exported(src).values())):,} records from" in out.stdout
    assert f"  clients: {len(agency.clients)}" in out.stdout.splitlines()
    # progress on stderr, plain lines when it is not a terminal; never the hostile text
    lines = out.stderr.splitlines()
    steps = 2 + len(TABLES)  # reading, writing, then checking each record type
    assert lines[0].startswith(f"[1/{steps}] reading ")
    assert lines[1].startswith(f"[2/{steps}] writing ")
    last = list(TABLES.values())[-1]
    assert lines[-1] == (f"[{steps}/{steps}] checking {last.replace('_', ' ')} "
                         f"({len(getattr(agency, last)):,})")
    assert "\r" not in out.stderr and OSC52 not in out.stdout + out.stderr
    # the target's audit trail says where the records came from
    trail = sk("history", agency.clients[0].id, "--db", dst)
    assert trail.returncode == 0 and "copied in by migrate" in trail.stdout, trail.stderr


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_migrate_refuses_a_target_that_holds_data_and_writes_nothing(tmp_path, source, target,
                                                                    request):
    src = filled(location(source, tmp_path, "from", request), hostile_agency(TODAY))
    dst = filled(location(target, tmp_path, "to", request), Agency(clients=hostile_agency(TODAY).clients[:1]))
    before = exported(dst), fingerprint(tmp_path)
    out = sk("migrate", src, dst)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == (f"scopekeeper: error: TO: {dst} already holds data; migrate copies "
                          "into an empty data file or database only (nothing was written)\n")
    assert (exported(dst), fingerprint(tmp_path)) == before


def test_migrate_refuses_what_it_cannot_copy_and_writes_nothing(tmp_path):
    src = filled(str(tmp_path / "a" / "agency.json"), hostile_agency(TODAY))
    empty = filled(str(tmp_path / "e" / "agency.json"), Agency())
    before = fingerprint(tmp_path)
    for argv, message in [
        ((src, src), "FROM and TO are the same data file"),
        ((src, str(tmp_path / "a" / ".." / "a" / "agency.json")), "FROM and TO are the same"),
        ((str(tmp_path / "nope.json"), str(tmp_path / "b.json")), "nope.json: no such data file"),
        ((empty, str(tmp_path / "b.json")), "holds no records; nothing to copy"),
        (("postgresql:///x", "postgresql:///x"), "FROM and TO are the same database"),
    ]:
        out = sk("migrate", *argv)
        assert out.returncode == 2, out.stderr
        assert message in out.stderr and len(out.stderr.splitlines()) <= 2
        assert "Traceback" not in out.stderr
    assert fingerprint(tmp_path) == before  # b.json was never made


def test_the_bar_on_a_terminal_is_drawn_in_place_and_cleaned(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    steps = Steps(4, tty=True)
    steps.step(1, f"reading {OSC52}agency.json")
    steps.step(2, "writing")
    steps.finish()
    text = err.getvalue()
    assert text.startswith("\r[" + "#" * 6 + "." * 18 + "] 1/4 reading ")
    assert "\x1b" not in text and "\x07" not in text  # the file name's control is text
    assert "\r[" + "#" * 12 + "." * 12 + "] 2/4 writing" in text and text.endswith("\n")
    # the shorter line covers what the longer one left
    second = text.split("\r")[2].rstrip("\n")
    assert len(second) == len(text.split("\r")[1])


def test_migrate_is_listed_and_documented():
    assert "migrate" in sk("--help").stdout
    helped = sk("migrate", "--help").stdout
    assert "FROM" in helped and "TO" in helped and "empty" in helped
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "scopekeeper migrate" in readme
    assert os.path.exists(Path(__file__).resolve().parents[2] / "docs" / "postgresql.md")


#: Runs a command and prints its peak resident memory (KB). A child's peak starts from its
#: parent's size when it was forked (Linux keeps it across exec): measured from the test
#: process (a pytest worker of 100 MB and more), every small command would read as that.
PEAK = ("import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_mb(*args: str) -> float:
    """The peak resident memory (MB) of one run of ``args``, which must succeed."""
    out = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return int(out.stdout) / 1024


#: reading a whole data file once (the engine's own cost of holding the history)
LOAD = "import sys; from storage.repositories import Store; Store(sys.argv[1]).load_agency()"


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """A demo agency of 16 clients (the fewest it makes) and of 300 (60,000 interactions)."""
    made = {}
    for clients in (16, 300):
        made[clients] = tmp_path_factory.mktemp("demo") / "agency.json"
        out = sk("demo", "--clients", str(clients), "--events", str(200 * clients),
                 "--db", str(made[clients]))
        assert out.returncode == 0, out.stderr
    return made


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_migrate_holds_the_history_about_once_not_several_times(tmp_path, source, target,
                                                               request, demos):
    """What the history costs migrate (its peak memory, beyond that of the same migrate of
    16 clients) is at most twice what reading the data file once costs (measured at 0.5-1.1
    times, by direction); holding FROM's records, every record's encoding and TO's re-read
    at once, it was 6 times that (1.1 GB at 500 clients). Memory, not time: a process's
    peak resident memory does not depend on how busy the machine is."""
    grown: dict[int, float] = {}
    for clients, data in demos.items():
        src = str(data)
        if source == "postgresql":  # filled by a migrate not measured
            src = location(source, tmp_path, f"from{clients}", request)
            assert sk("migrate", str(data), src).returncode == 0
        dst = location(target, tmp_path, f"to{clients}", request)
        grown[clients] = peak_mb(str(BIN), "migrate", src, dst)
    python = str(Path(sys.executable))
    once = (peak_mb(python, "-c", LOAD, str(demos[300]))
            - peak_mb(python, "-c", LOAD, str(demos[16])))
    assert once > 50  # the yardstick measures something (about 100 MB)
    assert grown[300] - grown[16] <= 2 * once, (grown, once)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_a_save_into_from_while_it_is_copied_leaves_to_empty(tmp_path, source, target, request):
    """FROM's tables are read one after another: someone saving between two of them is
    noticed before TO's change is done, and the change is refused whole (a copy could
    otherwise hold part of a change, e.g. interactions of a client it does not have)."""
    from scopekeeper.commands.migrate import Digest, _fingerprints, _stream

    src = filled(location(source, tmp_path, "from", request), hostile_agency(TODAY))
    dst = location(target, tmp_path, "to", request)

    def store(where: str, user: str = "tester") -> Storage:
        return Workspace(where, user=user, clock=lambda: TODAY).store

    def starting(name: str) -> None:
        if name == "interactions":  # the clients are read: someone adds one now
            store(src, "other").save([make_client(name="Late")])

    before = {name: Digest() for name in TABLES.values()}
    stream = _stream(store(src), src, before, _fingerprints(), starting)
    with pytest.raises(StorageError, match=r"changed while it was copied .* nothing was written"):
        store(dst).replace_all(stream, source="migrate")
    assert store(dst).is_empty()
    assert "Late" in [c.name for c in store(src).records(Client)]  # the save itself stands
