"""The composition root's seams: the day the program believes it is, the system
configuration file, the home directory, the editor — read once, in ``scopekeeper/host.py``."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from scopekeeper.host import SYSTEM_CONFIG, HostError, read_host
from tests.cli.test_commands import BIN, sk
from tests.factories import TODAY
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file


def test_the_day_can_be_moved_for_tests_and_demonstrations():
    assert read_host({"SCOPEKEEPER_TODAY": "2028-02-29"}).today() == date(2028, 2, 29)
    assert read_host({"SCOPEKEEPER_TODAY": " 2031-12-31 "}).today() == date(2031, 12, 31)
    moved = read_host({"SCOPEKEEPER_TODAY": "2027-03-01"})
    assert moved.now().tzinfo is not None  # instants stay real and aware


@pytest.mark.parametrize("value", ["tomorrow", "2027-02-30", "20270301", "2027-3-1",
                                   "1999-12-31", "2100-01-01", "2027-03-01T10:00", "\x1b[2J"])
def test_a_bad_day_is_refused_naming_the_variable(value):
    with pytest.raises(HostError, match=r"^SCOPEKEEPER_TODAY=.*YYYY-MM-DD") as e:
        read_host({"SCOPEKEEPER_TODAY": value})
    assert "\n" not in str(e.value)


def test_without_the_override_the_day_is_the_real_one():
    """About the real clock: unset, the day is the machine's (read before and after, so a
    midnight in between cannot fail it)."""
    before = date.today()  # noqa: real-clock - the relation under test
    day = read_host({}).today()
    after = date.today()  # noqa: real-clock - the relation under test
    assert before <= day <= after


def test_the_command_uses_the_real_day_when_nothing_moves_it(tmp_path):
    env = sealed_env()
    del env["SCOPEKEEPER_TODAY"]
    before = date.today()  # noqa: real-clock - the relation under test
    out = subprocess.run([str(BIN), "review", "--format", "json", "--db",
                          str(tmp_path / "a.json")], capture_output=True, text=True, env=env,
                         check=True)
    after = date.today()  # noqa: real-clock - the relation under test
    assert before <= date.fromisoformat(json.loads(out.stdout)["date"]) <= after


def test_the_system_configuration_file_can_be_named_or_turned_off(tmp_path):
    assert read_host({}).system_config == SYSTEM_CONFIG == Path("/etc/scopekeeper/config.toml")
    assert read_host({"SCOPEKEEPER_SYSTEM_CONFIG": ""}).system_config is None
    named = read_host({"SCOPEKEEPER_SYSTEM_CONFIG": str(tmp_path / "sys.toml")})
    assert named.system_config == tmp_path / "sys.toml"


def test_home_editor_and_tilde_come_from_the_environment_given(tmp_path):
    host = read_host({"HOME": str(tmp_path), "EDITOR": "nano", "VISUAL": "  "})
    assert host.home == tmp_path and host.editor == "nano"
    assert host.expand("~/notes/a.md") == tmp_path / "notes" / "a.md"
    assert host.expand("~") == tmp_path and host.expand("rel/~x") == Path("rel/~x")
    assert read_host({"VISUAL": "code -w", "EDITOR": "nano"}).editor == "code -w"
    assert read_host({}).editor == "vi"
    assert read_host({"HOME": "relative"}).home.is_absolute()  # the account's, not 'relative'


def test_every_command_believes_the_moved_day(tmp_path):
    db = demo_file(tmp_path / "a.json")
    env = sealed_env(SCOPEKEEPER_TODAY="2028-02-29")
    run = lambda *a: subprocess.run([str(BIN), *a, "--db", str(db)], capture_output=True,  # noqa: E731
                                    text=True, env=env, check=True).stdout
    assert json.loads(run("review", "--format", "json"))["date"] == "2028-02-29"
    assert run("log", "Pinecrest", "--kind", "email").endswith("on 2028-02-29\n")
    assert run("nps", "Pinecrest", "9", "--on", "yesterday").endswith("on 2028-02-28\n")
    report = run("render", "monthly_report", "--client", "Pinecrest")
    assert "January 2028" in report  # "last month" of the moved day


def test_a_bad_moved_day_is_one_line_exit_2_and_writes_nothing(tmp_path):
    db = demo_file(tmp_path / "a.json")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    env = sealed_env(SCOPEKEEPER_TODAY="Nov 31")
    out = subprocess.run([str(BIN), "log", "Pinecrest", "--kind", "email", "--db", str(db)],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr == ("scopekeeper: error: SCOPEKEEPER_TODAY='Nov 31' is not a day written "
                          "YYYY-MM-DD (it sets the day the program believes it is; unset it "
                          "to use today)\n")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_a_wrong_system_file_is_read_only_where_it_is_named(tmp_path):
    """A server-wide file with unknown keys is an error when it is the system file, and
    nothing at all to a run that names another (as every test does)."""
    wrong = tmp_path / "etc.toml"
    wrong.write_text("[nonsense]\nx = 1\n", encoding="utf-8")
    out = sk("config", db=tmp_path / "a.json")
    assert out.returncode == 0 and out.stdout.startswith("files read: none\n")
    env = sealed_env(SCOPEKEEPER_SYSTEM_CONFIG=str(wrong))
    out = subprocess.run([str(BIN), "config"], capture_output=True, text=True, env=env)
    assert out.returncode == 1
    assert out.stderr == f"scopekeeper: error: {wrong}: nonsense: unknown section (known: " \
        "data, agency, thresholds, cadence, templates, ui, keymap)\n"


def test_main_takes_the_environment_it_is_given(tmp_path, capsys):
    from scopekeeper.cli import main

    db = demo_file(tmp_path / "a.json")
    env = dict(os.environ, SCOPEKEEPER_TODAY="2027-03-01")
    assert main(["review", "--format", "json", "--db", str(db)], env) == 0
    assert json.loads(capsys.readouterr().out)["date"] == "2027-03-01"
    assert main(["review", "--format", "json", "--db", str(db)]) == 0
    assert json.loads(capsys.readouterr().out)["date"] == TODAY.isoformat()
