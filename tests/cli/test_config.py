from __future__ import annotations

from pathlib import Path

import pytest

from storage.config import ConfigError, config_path, load_keymap
from storage.paths import Places
from tests.cli.test_commands import sk

HOME = Path("/home/someone")


def places(home: Path = HOME, **env: str) -> Places:
    return Places(home=home, env=env)

IDS = {"review.snooze", "app.quit"}


def test_keymap_is_read_and_checked(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[keymap]\n"review.snooze" = "z, ctrl+z"\n', encoding="utf-8")
    assert load_keymap(cfg, HOME, IDS) == {"review.snooze": "z,ctrl+z"}
    assert load_keymap(tmp_path / "missing.toml", HOME, IDS) == {}


@pytest.mark.parametrize(("text", "message"), [
    ('[keymap]\n"review.nap" = "z"\n', "keymap.review.nap: no binding has this id"),
    ('[keymap]\n"app.quit" = 5\n', "keymap.app.quit: must be keys"),
    ("keymap = 3\n", "keymap: must be a table"),
    ("[keymap\n", "not valid TOML"),
], ids=["unknown-id", "not-keys", "not-a-table", "bad-toml"])
def test_bad_config_names_file_key_and_reason(tmp_path, text, message):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_keymap(cfg, HOME, IDS)
    assert str(e.value).startswith(f"{cfg}: ") and message in str(e.value)


def test_config_path_precedence(tmp_path):
    env = places(SCOPEKEEPER_CONFIG="/y.toml")
    assert config_path("/x/c.toml", env).as_posix() == "/x/c.toml"
    assert config_path(None, env).as_posix() == "/y.toml"
    assert config_path("~/c.toml", env) == HOME / "c.toml"
    assert config_path(None, places(XDG_CONFIG_HOME="/cfg")).as_posix() == \
        "/cfg/scopekeeper/config.toml"
    assert config_path(None, places(XDG_CONFIG_HOME="relative")) == \
        HOME / ".config" / "scopekeeper" / "config.toml"


def test_the_app_refuses_a_bad_keymap_with_one_line(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[keymap]\n"nope" = "z"\n', encoding="utf-8")
    out = sk("--config", str(cfg), db=tmp_path / "a.json")
    assert out.returncode == 1
    assert out.stderr == f"scopekeeper: error: {cfg}: keymap.nope: no binding has this id " \
                         "(see README, Keys)\n"
    out = sk("--config", str(tmp_path / "none.toml"), db=tmp_path / "a.json")
    assert out.returncode == 1 and "none.toml: no such file" in out.stderr


# --- layered configuration -------------------------------------------------------------

from scopekeeper.cli import COLOR_SYSTEMS, prepare_terminal, terminal_problem  # noqa: E402
from storage.config import check_keymap, load  # noqa: E402


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def layers(tmp_path: Path) -> tuple[Path, Places]:
    system = write(tmp_path / "etc" / "config.toml",
                   '[data]\npath = "/srv/agency.json"\nshared = "yes"\n'
                   '[agency]\nname = "System Agency"\n[thresholds]\nfavour_threshold = 4\n'
                   '[ui]\nescdelay = 300\n')
    write(tmp_path / "home" / "scopekeeper" / "config.toml",
          '[agency]\nname = "User Agency"\n[cadence]\nstatus_call = "biweekly"\n'
          '[keymap]\n"review.snooze" = "z"\n')
    return system, places(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "home"))


def test_later_layers_win_and_each_value_says_where_it_came_from(tmp_path):
    system, env = layers(tmp_path)
    cfg = load(env, system)
    user = str(tmp_path / "home" / "scopekeeper" / "config.toml")
    assert cfg.data_path == Path("/srv/agency.json") and cfg.shared_mode() is True
    assert cfg.agency_name == "User Agency" and cfg.sources["agency.name"] == user
    assert cfg.thresholds.favour_threshold == 4 and cfg.sources["thresholds.favour_threshold"] \
        == str(system)
    assert cfg.cadence["status_call"] == "biweekly" and cfg.escdelay == 300
    assert cfg.keymap == {"review.snooze": "z"}
    assert cfg.sources.get("ui.color") is None and cfg.color == "auto"  # the default

    extra = write(tmp_path / "second.toml", '[agency]\nname = "Second"\n[templates]\ndir = "t"\n')
    cfg = load(places(tmp_path, **env.env, SCOPEKEEPER_CONFIG=str(extra)), system)
    assert cfg.agency_name == "Second" and cfg.templates == tmp_path / "t"
    cfg = load(places(tmp_path, **env.env, SCOPEKEEPER_DB="/env/db.json"), system,
               flag_config=str(extra))
    assert cfg.data_path == Path("/env/db.json") and cfg.sources["data.path"] == "$SCOPEKEEPER_DB"
    cfg = load(places(tmp_path, **env.env, SCOPEKEEPER_DB="/env/db.json"), system,
               flag_db="/flag/db.json", flag_color="16", flag_no_mouse=True)
    assert cfg.data_path == Path("/flag/db.json") and cfg.sources["data.path"] == "--db"
    assert (cfg.color, cfg.mouse) == ("16", False) and cfg.sources["ui.color"] == "--color"


@pytest.mark.parametrize(("text", "message"), [
    ("[colours]\nx = 1\n", "colours: unknown section"),
    ("[agency]\nnmae = \"x\"\n", "agency.nmae: unknown key (known: name)"),
    ("[thresholds]\nfavour_threshold = \"3\"\n", "thresholds.favour_threshold: must be a whole"),
    ("[thresholds]\nsilence_factor = -1\n", "thresholds.silence_factor: must be between 0"),
    ("[cadence]\nstatus_call = \"daily\"\n", "cadence.status_call: must be one of 'weekly'"),
    ("[cadence]\nvisit_min_days = 60\nvisit_max_days = 30\n",
     "cadence.visit_max_days: must not be less than visit_min_days (60)"),
    ("[ui]\ncolor = 8\n", "ui.color: must be one of 'auto', '16', '256', 'truecolor'"),
    ("[data]\nshared = true\n", "data.shared: must be one of 'auto', 'yes', 'no'"),
    ("[data]\npath = \"\"\n", "data.path: must not be empty"),
    ("agency = 3\n", "agency: must be a table"),
])
def test_every_bad_value_names_file_key_and_reason(tmp_path, text, message):
    cfg = write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError) as e:
        load(places(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "none")),
             tmp_path / "absent.toml", flag_config=str(cfg))
    assert str(e.value).startswith(f"{cfg}: ") and message in str(e.value)


def test_unknown_keymap_id_is_refused_naming_its_file(tmp_path):
    system, env = layers(tmp_path)
    write(tmp_path / "home" / "scopekeeper" / "config.toml", '[keymap]\n"review.nap" = "z"\n')
    cfg = load(env, system)
    with pytest.raises(ConfigError, match=r"home/scopekeeper/config\.toml: keymap\.review\.nap"):
        check_keymap(cfg, IDS)


def test_config_command_prints_values_and_sources(tmp_path):
    cfg = write(tmp_path / "c.toml", '[agency]\nname = "Northlight"\n[ui]\ncolor = "256"\n')
    out = sk("--config", str(cfg), "config", db=tmp_path / "a.json")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(ln.split() == ["agency.name", '"Northlight"', f"({cfg})"] for ln in lines)
    assert any(ln.split() == ["data.path", str(tmp_path / "a.json"), "(--db)"] for ln in lines)
    assert any(ln.split() == ["thresholds.favour_threshold", "3", "(default)"] for ln in lines)
    assert any(ln.split() == ["ui.color", '"256"', f"({cfg})"] for ln in lines)


def test_thresholds_from_the_config_change_the_review(tmp_path):
    from tests.ui.helpers import demo_file

    db = demo_file(tmp_path / "a.json")
    # 7 is passive by default (no sign); with the detractor band up to 7, it is a sign
    cfg = write(tmp_path / "c.toml", "[thresholds]\nnps_detractor_max = 7\n")
    plain = sk("review", "--format", "json", "--on", "2026-11-23", db=db)
    tight = sk("--config", str(cfg), "review", "--format", "json", "--on", "2026-11-23", db=db)
    assert "NPS 7/10" not in plain.stdout and "NPS 7/10" in tight.stdout
    assert "NPS 4/10" in plain.stdout and "NPS 4/10" in tight.stdout  # a detractor either way


def test_terminals_that_cannot_show_the_app_are_refused_with_a_plain_message():
    assert terminal_problem("xterm-256color", True) is None
    assert terminal_problem("screen", True) is None and terminal_problem("linux", True) is None
    for term in ("dumb", "", "unknown", "vt100"):
        assert "cannot show the app" in terminal_problem(term, True)
    assert "needs a terminal" in terminal_problem("xterm", False)


def test_the_launcher_sets_escdelay_colours_and_never_devtools(tmp_path):
    env = {"TEXTUAL": "devtools,debug"}
    cfg = load(places(tmp_path), None, flag_color="16")
    prepare_terminal(cfg, env)
    assert env == {"ESCDELAY": "250", "TEXTUAL_COLOR_SYSTEM": COLOR_SYSTEMS["16"]}
    env = {"ESCDELAY": "400"}  # the person's own choice stays
    prepare_terminal(cfg, env)
    assert env["ESCDELAY"] == "400"
