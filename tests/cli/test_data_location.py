"""Where the data is: a data file or a PostgreSQL URL, from ``--db``, ``$SCOPEKEEPER_DB`` or
the config; a URL never carries a password (refused wherever given, never repeated); every
command that works on a data file's own files says what to use for a database instead."""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

import pytest

from scopekeeper.commands.common import not_onto_the_store, privacy_of
from scopekeeper.host import read_host
from storage.config import ConfigError, load
from storage.locations import DatabaseUrl, redact
from storage.paths import Places
from tests.cli.test_commands import BIN
from tests.sealed import sealed_env

#: A password nobody would type by chance: it must appear in no output and no file.
SECRET = "Zq8-unlikely-Pw"
URL = "postgresql:///agency?host=/var/run/postgresql"
WITH_PASSWORD = [
    f"postgresql://ana:{SECRET}@db.example/agency",
    f"postgres://ana:{SECRET}@/agency?host=/var/run/postgresql",
    f"postgresql:///agency?host=/var/run/postgresql&password={SECRET}",
    f"postgresql://db.example/agency?sslpassword={SECRET}",
]


def sk_in(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=sealed_env(**(env or {})))


def files_holding(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


# --- where the data is ---------------------------------------------------------------------

def test_a_url_from_the_config_is_where_the_data_is(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[data]\nurl = "{URL}"\n', encoding="utf-8")
    loaded = load(Places(home=tmp_path), None, str(cfg))
    assert loaded.location == DatabaseUrl(URL) and loaded.storage_location() == URL
    assert loaded.values()["data.url"] == URL and loaded.sources["data.url"] == str(cfg)
    assert "data.path" not in loaded.values()


def test_the_last_place_that_says_where_wins_path_or_url(tmp_path):
    system, mine = tmp_path / "system.toml", tmp_path / "mine.toml"
    system.write_text('[data]\npath = "/srv/agency.json"\n', encoding="utf-8")
    mine.write_text(f'[data]\nurl = "{URL}"\n', encoding="utf-8")
    home = Places(home=tmp_path)
    assert load(home, system, str(mine)).location == DatabaseUrl(URL)
    assert load(home, system).location == Path("/srv/agency.json")
    flag = load(home, system, str(mine), flag_db=str(tmp_path / "a.json"))
    assert flag.location == tmp_path / "a.json" and flag.sources["data.path"] == "--db"
    assert "data.url" not in flag.sources
    env = load(Places(home=tmp_path, env={"SCOPEKEEPER_DB": URL}), system)
    assert env.location == DatabaseUrl(URL) and env.sources["data.url"] == "$SCOPEKEEPER_DB"


@pytest.mark.parametrize(("text", "message"), [
    (f'[data]\npath = "a.json"\nurl = "{URL}"\n', "give data.path (a data file) or data.url"),
    ('[data]\nurl = "/srv/agency.json"\n', "data.url: must be a PostgreSQL URL"),
    ('[data]\nurl = "postgresql://db.example"\n', "data.url: name the database"),
    ('[data]\nurl = "postgresql://[db/agency"\n', "data.url: not a PostgreSQL connection URL"),
], ids=["both", "a-path", "no-database", "unreadable"])
def test_a_bad_url_in_the_config_names_file_and_key(tmp_path, text, message):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load(Places(home=tmp_path), None, str(cfg))
    assert str(e.value).startswith(f"{cfg}: ") and message in str(e.value)


def test_config_shows_the_url_and_says_where_it_came_from(tmp_path):
    out = sk_in("--db", URL, "config", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert ["data.url", f'"{URL}"', "(--db)"] in [ln.split() for ln in out.stdout.splitlines()]


# --- passwords -----------------------------------------------------------------------------

@pytest.mark.parametrize("url", WITH_PASSWORD, ids=["user", "user-socket", "query", "ssl"])
@pytest.mark.parametrize("given", ["--db", "env", "config", "migrate-from", "migrate-to"])
def test_a_url_with_a_password_is_refused_and_never_repeated(tmp_path, url, given):
    home = Path(os.environ["HOME"])
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[data]\nurl = "{url}"\n', encoding="utf-8")
    argv, env = {
        "--db": (["--db", url, "review"], {}),
        "env": (["review"], {"SCOPEKEEPER_DB": url}),
        "config": (["--config", str(cfg), "review"], {}),
        "migrate-from": (["migrate", url, str(tmp_path / "b.json")], {}),
        "migrate-to": (["migrate", str(tmp_path / "a.json"), url], {}),
    }[given]
    out = sk_in(*argv, cwd=tmp_path, env=env)
    assert out.returncode == (1 if given == "config" else 2)
    assert out.stdout == "" and len(out.stderr.splitlines()) == 1
    assert "password file" in out.stderr and "PGPASSFILE" in out.stderr
    assert SECRET not in out.stderr
    assert files_holding(home, SECRET) == []  # no crash report, no cache, nothing kept
    assert files_holding(tmp_path, SECRET) == [cfg]  # only where the person wrote it


def test_a_stray_url_with_a_password_is_not_repeated_either(tmp_path):
    out = sk_in("review", "--format", "json", WITH_PASSWORD[0], cwd=tmp_path)
    assert out.returncode == 2 and "unrecognized arguments: postgresql://ana:***@" in out.stderr
    assert SECRET not in out.stderr


def test_a_crash_report_never_holds_a_password():
    from datetime import UTC, datetime

    from storage.crash_log import details

    try:
        raise RuntimeError(f"could not connect to {WITH_PASSWORD[2]}")
    except RuntimeError as e:
        report = details(e, datetime(2026, 11, 23, tzinfo=UTC), "a command")
    assert SECRET not in report and "password=***" in report


def test_redact_hides_any_password_and_keeps_the_rest():
    for url in WITH_PASSWORD:
        shown = redact(url)
        assert SECRET not in shown and "***" in shown and shown.startswith(url[:10])
    assert redact(URL) == URL


def test_a_password_file_is_handed_to_libpq_and_must_be_private(tmp_path):
    pw = tmp_path / "pgpass"
    pw.write_text(f"*:*:*:*:{SECRET}\n", encoding="utf-8")
    pw.chmod(0o644)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[data]\nurl = "{URL}"\npassword_file = "pgpass"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load(Places(home=tmp_path), None, str(cfg))
    assert f"data.password_file: {pw}: others may read it" in str(e.value)
    assert f"chmod 600 -- {pw}" in str(e.value)
    pw.chmod(0o600)
    loaded = load(Places(home=tmp_path), None, str(cfg))
    assert loaded.storage_location() == f"{URL}&passfile={pw}"
    out = sk_in("--config", str(cfg), "config", cwd=tmp_path)
    assert out.returncode == 0 and SECRET not in out.stdout + out.stderr
    assert any(ln.split()[:2] == ["data.password_file", str(pw)] for ln in out.stdout.splitlines())


# --- what works on a data file's own files -------------------------------------------------

@pytest.mark.parametrize(("argv", "instead"), [
    (["compact"], "autovacuum"),
    (["doctor"], "pg_amcheck"),
    (["restore", "latest"], "pg_restore"),
], ids=["compact", "doctor", "restore"])
def test_file_commands_refuse_a_database_naming_what_to_use(tmp_path, argv, instead):
    out = sk_in("--db", URL, *argv, cwd=tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"scopekeeper: error: {argv[0]} works on a data file")
    assert instead in out.stderr and len(out.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing made (no "postgresql:" folder here)


def _args(db: str) -> argparse.Namespace:
    return argparse.Namespace(host=read_host(dict(os.environ)), config=None, db=db)


def test_outputs_beside_a_database_may_use_any_name_and_stay_private(tmp_path):
    """No file here belongs to a database: an export named like a data file's journal is
    not refused, and it is private unless the config says the data is shared."""
    args = _args(URL)
    not_onto_the_store(args, tmp_path / "agency.json.journal")  # no refusal
    assert privacy_of(args).shared is False
    data = _args(str(tmp_path / "agency.json"))
    from scopekeeper.parser import UsageError

    with pytest.raises(UsageError, match="the data file's journal"):
        not_onto_the_store(data, tmp_path / "agency.json.journal")
