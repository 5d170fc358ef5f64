"""``scopekeeper render`` and ``scopekeeper templates`` on the demo agency."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli.test_commands import BIN
from tests.sealed import sealed_env
from tests.ui.helpers import demo_file

DOCS = ("kickoff", "call_summary", "change_order", "stay_focused", "monthly_report",
        "new_contact_briefing", "save_mode_prep")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("home")
    demo_file(home / "agency.json")
    (home / "cfg" / "templates").mkdir(parents=True)  # configured: it must exist
    (home / "cfg" / "config.toml").write_text(
        '[agency]\nname = "Northlight Digital"\n\n[templates]\ndir = "templates"\n',
        encoding="utf-8")
    return home


def sk(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = sealed_env(home=home, XDG_CONFIG_HOME=str(home / "cfg-root"),
                     SCOPEKEEPER_DB=str(home / "agency.json"),
                     SCOPEKEEPER_CONFIG=str(home / "cfg" / "config.toml"))
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env,
                          timeout=60)


@pytest.mark.parametrize("name", DOCS)
def test_every_document_renders_for_a_demo_client(home, name):
    client = "Redwood Insurance" if name in ("change_order", "stay_focused") else "Harbor Dental"
    out = sk(home, "render", name, "--client", client)
    assert out.returncode == 0, out.stderr
    assert client.split()[0] in out.stdout and len(out.stdout.splitlines()) > 8
    assert "\x1b" not in out.stdout


def test_documents_sign_off_with_the_configured_agency(home):
    out = sk(home, "render", "call_summary", "--client", "Harbor Dental")
    assert out.stdout.rstrip().endswith(", Northlight Digital")


def test_bad_input_is_one_line_and_exit_2(home):
    cases = [
        (("render", "invoice", "--client", "Harbor"), "no template 'invoice'"),
        (("render", "kickoff", "--client", "Nobody Inc"), "no client"),
        (("render", "monthly_report", "--client", "Harbor Dental", "--month", "2026-13"),
         "not a month"),
        (("render", "monthly_report", "--client", "Harbor Dental", "--month", "Nov"),
         "not a month"),
        (("render", "change_order", "--client", "Harbor Dental", "--change-request", "chg_x"),
         "no change request 'chg_x'"),
    ]
    for args, message in cases:
        out = sk(home, *args)
        assert out.returncode == 2 and message in out.stderr, (args, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1


def test_output_file_is_never_silently_replaced(home, tmp_path):
    target = tmp_path / "kickoff.md"
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental", "-o", str(target))
    assert out.returncode == 0 and target.read_text(encoding="utf-8").startswith(
        "# Scope of work: Harbor Dental")
    target.write_text("my edits", encoding="utf-8")
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental", "-o", str(target))
    assert out.returncode == 2 and "exists; use --force" in out.stderr
    assert target.read_text(encoding="utf-8") == "my edits"
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental", "-o", str(target), "--force")
    assert out.returncode == 0 and target.read_text(encoding="utf-8") != "my edits"


def test_templates_lists_overrides_and_a_broken_override_names_file_and_line(home):
    folder = home / "cfg" / "templates"
    broken = folder / "kickoff.md.j2"
    broken.write_text("# {{ client.name }}\n{{ client.nmae }}\n", encoding="utf-8")
    listing = sk(home, "templates").stdout
    assert f"kickoff               Kickoff agreement / scope of work   overridden by {broken}" \
        in listing
    assert "change_order          Change order (expand scope)         built-in" in listing
    out = sk(home, "render", "kickoff", "--client", "Harbor Dental")
    assert out.returncode == 1
    assert out.stderr.startswith(f"scopekeeper: error: {broken}, line 2: ")
    assert "'nmae'" in out.stderr
    fallback = sk(home, "render", "kickoff", "--client", "Harbor Dental", "--builtin")
    assert fallback.returncode == 0 and fallback.stdout.startswith("# Scope of work")
    broken.unlink()
