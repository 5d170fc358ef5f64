"""The ``scopekeeper`` command, run as a real process on real files."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import TODAY
from tests.sealed import sealed_env
from tracker.warning_signs import SignCode

BIN = Path(sys.executable).parent / "scopekeeper"
ROOT = Path(__file__).resolve().parents[2]


def sk(*args: str, db: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    cmd = [str(BIN), *args]
    if db is not None:
        cmd += ["--db", str(db)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if check and out.returncode:
        raise AssertionError(out.stderr)
    return out


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "agency.json"
    out = sk("demo", db=db, check=True)
    assert out.stdout.startswith(f"wrote a demo agency to {db}: 27 clients")
    return db


def review_json(db: Path, *extra: str) -> dict:
    return json.loads(sk("review", "--format", "json", *extra, db=db, check=True).stdout)


def test_review_json_lists_every_warning_sign_and_every_cadence_kind(demo_db):
    doc = review_json(demo_db)
    assert set(doc) == {"date", "for", "items"} and doc["for"] is None
    kinds = {i["kind"] for i in doc["items"]}
    for code in set(SignCode) - {SignCode.OVERDUE_CADENCE}:
        assert code.value in kinds
    for cadence in ("status_call", "monthly_report", "contact", "visit"):
        assert {f"{cadence}_overdue", f"{cadence}_due"} & kinds
    for item in doc["items"]:
        assert set(item) == {"client_id", "client", "kind", "urgency", "why", "due"}
        assert isinstance(item["urgency"], int) and item["why"]
    urgencies = [i["urgency"] for i in doc["items"]]
    assert urgencies == sorted(urgencies, reverse=True)


def test_review_on_another_day(demo_db):
    later = review_json(demo_db, "--on", "2027-03-01")
    assert later["date"] == "2027-03-01"
    assert len(later["items"]) > len(review_json(demo_db)["items"])


def test_review_text_reads_like_a_digest(demo_db):
    out = sk("review", db=demo_db, check=True).stdout.splitlines()
    assert out[0].startswith("Review for ") and " items (" in out[0]
    assert "new outside access: " in "\n".join(out)
    assert all(len(line) <= 78 for line in out[1:])  # fits a mail client


def test_review_for_a_person_shows_only_the_clients_they_cover(demo_db):
    from storage.repositories import Store

    agency = Store(demo_db).load_agency()
    priya = next(m for m in agency.members if m.name == "Priya Shah")
    mine = {a.client_id for a in agency.assignments if a.member_id == priya.id}
    every = review_json(demo_db)["items"]
    got = review_json(demo_db, "--for", "priya")  # by login
    assert got["for"] == "Priya Shah"
    assert got["items"] == [i for i in every if i["client_id"] in mine] != []
    assert review_json(demo_db, "--for", "Priya Sh")["items"] == got["items"]  # part of a name
    text = sk("review", "--for", "priya", db=demo_db, check=True).stdout
    assert text.startswith("Review for ") and ", for Priya Shah: " in text.splitlines()[0]
    bad = sk("review", "--for", "Nobody", db=demo_db)
    assert bad.returncode == 2 and "no team member 'Nobody' (the team: " in bad.stderr


def test_review_of_an_empty_file_is_all_clear(tmp_path):
    out = sk("review", db=tmp_path / "none.json", check=True)
    assert out.stdout.strip().endswith("all clear.")
    assert not (tmp_path / "none.json").exists()


def test_demo_refuses_to_overwrite_without_force(demo_db, tmp_path):
    copy = tmp_path / "copy.json"
    copy.write_bytes(demo_db.read_bytes())
    out = sk("demo", "--seed", "9", db=copy)
    assert out.returncode == 2 and "already holds data; use --force" in out.stderr
    assert copy.read_bytes() == demo_db.read_bytes()
    sk("demo", "--seed", "9", "--force", db=copy, check=True)
    assert copy.read_bytes() != demo_db.read_bytes()


def test_demo_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    sk("demo", "--seed", "3", db=a, check=True)
    sk("demo", "--seed", "3", db=b, check=True)
    # same agency, same review (ids and dates included); only the day of running could differ
    assert review_json(a, "--on", "2027-01-04") == review_json(b, "--on", "2027-01-04")


def test_log_records_an_interaction_that_clears_the_review_item(demo_db, tmp_path):
    db = tmp_path / "log.json"
    db.write_bytes(demo_db.read_bytes())
    before = [i for i in review_json(db)["items"] if i["client"] == "Pinecrest Realty"]
    assert "status_call_overdue" in {i["kind"] for i in before}
    out = sk("log", "pinecrest", "--kind", "status call", "--note", "Back on track", db=db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("logged status call with Pinecrest Realty on ")
    after = [i for i in review_json(db)["items"] if i["client"] == "Pinecrest Realty"]
    assert "status_call_overdue" not in {i["kind"] for i in after}
    sk("log", "Pinecrest Realty", "--kind", "call_summary_sent", "--on", "today", db=db,
       check=True)
    assert not [i for i in review_json(db)["items"] if i["client"] == "Pinecrest Realty"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "o", "--kind", "email"], "matches "),
        (["log", "no such client", "--kind", "email"], "no client matches 'no such client'"),
        (["log", "lumen", "--kind", "fax"], "unknown kind 'fax'"),
        (["log", "lumen"], "the following arguments are required: --kind"),
        (["log", "lumen", "--kind", "email", "--on", "31 feb"], "not a date: '31 feb'"),
        (["review", "--on", "soon"], "not a date: 'soon'"),
        (["review", "--format", "xml"], "invalid choice: 'xml'"),
        (["demo", "--clients", "many"], "not a whole number: 'many'"),
        (["demo", "--clients", "3"], "at least 16"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
    ids=["ambiguous-client", "unknown-client", "bad-kind", "missing-kind", "bad-date",
         "bad-review-date", "bad-format", "bad-number", "too-few-clients", "bad-command"],
)
def test_bad_arguments_give_one_line_exit_2_and_write_nothing(demo_db, tmp_path, args, message):
    db = tmp_path / "x.json"
    db.write_bytes(demo_db.read_bytes())
    out = sk(*args, db=db)
    assert out.returncode == 2
    assert out.stderr.startswith("scopekeeper: error: ") and message in out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert db.read_bytes() == demo_db.read_bytes()


@pytest.mark.parametrize(("content", "message"),
                         [(b"", "the file is empty"), (b"{oops", "not valid JSON")],
                         ids=["empty", "garbage"])
@pytest.mark.parametrize("command", [["review"], ["log", "x", "--kind", "email"], ["demo"]],
                         ids=["review", "log", "demo"])
def test_corrupt_data_file_is_refused_and_kept(tmp_path, content, message, command):
    db = tmp_path / "bad.json"
    db.write_bytes(content)
    out = sk(*command, db=db)
    assert out.returncode == 1
    assert out.stderr == f"scopekeeper: error: {db}: {message}" + out.stderr.split(message)[1]
    assert out.stderr.count("\n") == 1
    assert db.read_bytes() == content


def test_unusable_data_path_is_one_line_exit_1(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = sk("demo", db=tmp_path / "file" / "agency.json")
    assert out.returncode == 1
    assert out.stderr == f"scopekeeper: error: {tmp_path}/file/agency.json: cannot read: Not a directory\n"
    out = sk("demo", db=Path("/proc/scopekeeper-test.json"))
    assert out.returncode == 1
    assert out.stderr.startswith("scopekeeper: error: /proc/scopekeeper-test.json.lock: cannot write:")
    assert out.stderr.count("\n") == 1


def test_env_var_chooses_the_data_file(demo_db):
    env = sealed_env(home=Path("/nonexistent"), SCOPEKEEPER_DB=str(demo_db))
    out = subprocess.run([str(BIN), "review", "--format", "json"], capture_output=True,
                         text=True, env=env, check=True)
    assert json.loads(out.stdout)["items"]


def test_review_and_log_never_import_textual(demo_db, tmp_path):
    db = tmp_path / "t.json"
    db.write_bytes(demo_db.read_bytes())
    code = (
        "import sys, contextlib, io\n"
        "from scopekeeper.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['review', '--format', 'json', '--db', {str(db)!r}]) == 0\n"
        f"    assert main(['review', '--db', {str(db)!r}]) == 0\n"
        f"    assert main(['log', 'lumen', '--kind', 'email', '--db', {str(db)!r}]) == 0\n"
        f"    assert main(['review', '--for', 'priya', '--db', {str(db)!r}]) == 0\n"
        f"    assert main(['nps', 'lumen', '9', '--db', {str(db)!r}]) == 0\n"
        f"    assert main(['history', 'lumen', '--db', {str(db)!r}]) == 0\n"
        f"    assert main(['export', '--format', 'ics', '-o', {str(tmp_path / 'c.ics')!r}, "
        f"'--db', {str(db)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_the_commands():
    out = sk("--help", check=True).stdout
    for name in ("demo", "review", "log", "--db"):
        assert name in out


def test_the_app_shows_the_kept_review_before_importing_storage_or_the_rules(demo_db, tmp_path):
    """The start-up speed target rests on this: with a kept review, the first frame needs
    neither the storage engine nor the records' rules (they load right after it)."""
    db = tmp_path / "t.json"
    db.write_bytes(demo_db.read_bytes())
    assert sk("review", "--db", str(db)).returncode == 0  # computes and keeps the review
    code = (
        "import sys, asyncio\n"
        "import screens.app as sa\n"
        "from scopekeeper import cli\n"
        "from scopekeeper.commands import app as opening\n"
        "sa.FIRST_FRAME_SECONDS = 30\n"
        "opening.terminal_problem = lambda term, tty: None  # no terminal: Pilot drives it\n"
        "heavy = ('storage.engine.database', 'storage.workspace', 'storage.repositories', "
        "'tracker.models', 'tracker.review', 'tracker.warning_signs', 'tinydb')\n"
        "seen = []\n"
        "def run(self, **kw):\n"
        "    async def go():\n"
        "        async with self.run_test(size=(80, 24)) as pilot:\n"
        "            await pilot.pause()\n"
        "            seen.append(self.screen.query_one('#review-table').row_count)\n"
        "            seen.append(sorted(m for m in heavy if m in sys.modules))\n"
        "    asyncio.run(go())\n"
        "sa.ScopekeeperApp.run = run\n"
        f"assert cli.main(['--db', {str(db)!r}]) == 0\n"
        "print(seen)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    rows, imported = ast.literal_eval(out.stdout)
    assert rows > 0 and imported == []


def test_history_prints_the_audit_trail_of_a_client(tmp_path):
    db = tmp_path / "a.json"
    sk("demo", db=db, check=True)
    sk("log", "Pinecrest", "--kind", "email", "--note", "sent the plan", db=db, check=True)
    out = sk("history", "Pinecrest", "--last", "1", db=db, check=True).stdout.splitlines()
    assert out[0].startswith("Pinecrest Realty (cli_") and out[0].endswith(
        "2 changes, the last 1 shown")
    import re

    # the time of the change is the real one (only the day is moved by SCOPEKEEPER_TODAY)
    line = re.fullmatch(r'\d{4}-\d\d-\d\d \d\d:\d\d  (\S+)\s+  added interaction  '
                        r'kind: "email"; on: "(\d{4}-\d\d-\d\d)"; author: "(\S+)"; '
                        r'notes: "sent the plan"', out[1])
    assert line is not None, out[1]
    assert line.group(2) == TODAY.isoformat()  # "today" is the sealed day
    assert line.group(1) == line.group(3)  # who saved it
    bad = sk("history", "Nobody", db=db)
    assert bad.returncode == 2 and "no client" in bad.stderr


def test_setting_the_first_main_contact_is_not_a_warning_sign(tmp_path):
    from storage.workspace import Workspace
    from tests.factories import TODAY
    from tracker.models import Client

    db = tmp_path / "a.json"
    ws = Workspace(db, user="t", clock=lambda: TODAY)
    ws.act.save(Client(id="cli_new", name="Fresh Co", start_date=TODAY))
    out = sk("contact", "Fresh", "Zoe Park", "--title", "CMO", db=db, check=True)
    assert out.stdout == "set the first main contact of Fresh Co: Zoe Park (nobody left: " \
                         "not a warning sign)\n"
    assert Workspace(db, user="t", clock=lambda: TODAY).store.contact_changes.all() == ()
    assert "contact_change" not in sk("review", "--format", "json", db=db).stdout
    out = sk("contact", "Fresh", "Sam Lee", db=db, check=True)  # now it is a change
    assert out.stdout.startswith("recorded main contact Zoe Park -> Sam Lee for Fresh Co")
    assert '"kind": "contact_change"' in sk("review", "--format", "json", db=db).stdout


@pytest.mark.parametrize(("args", "message"), [
    (("access", "Bayview", ""), "Who got access: is required"),
    (("contact", "Bayview", " "), "Main contact: is required"),
    (("access", "Bayview", "x" * 300), "Who got access: is 300 characters long; at most 200 fit"),
    (("log", "Bayview", "--kind", "email", "--ours", "Priya"),
     "--ours and --theirs are for calls and meetings, not email"),
], ids=["blank-who", "blank-contact", "long-who", "attendees-of-an-email"])
def test_bad_input_is_exit_2_with_the_field_as_people_call_it(demo_db, tmp_path, args, message):
    db = tmp_path / "t.json"
    db.write_bytes(demo_db.read_bytes())
    before = db.read_bytes()
    out = sk(*args, db=db)
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == f"scopekeeper: error: {message}\n"
    assert db.read_bytes() == before and not db.with_name("t.json.journal").exists()


def test_counts_say_one_person_not_one_people(tmp_path):
    out = sk("demo", "--clients", "16", db=tmp_path / "a.json", check=True).stdout
    assert re.search(r": 18 clients, \d+ people, [\d,]+ interactions$", out.strip())
    from tracker.labels import count

    assert [count(1, "person", "people"), count(2, "person", "people"), count(0, "client"),
            count(1, "entry", "entries"), count(1_200, "interaction")] == [
        "1 person", "2 people", "0 clients", "1 entry", "1,200 interactions"]


def test_the_latest_call_of_a_day_is_the_last_one_logged(demo_db, tmp_path):
    db = tmp_path / "t.json"
    db.write_bytes(demo_db.read_bytes())
    for note in ("first call", "second call", "third call"):
        sk("log", "Bayview", "--kind", "status_call", "--note", note, db=db, check=True)
    out = sk("render", "call_summary", "--client", "Bayview", "--call", "latest", db=db,
             check=True).stdout
    assert "- third call" in out and "first call" not in out
    listed = sk("calls", "Bayview", db=db, check=True).stdout
    assert listed.index("first call") < listed.index("second call") < listed.index("third")
