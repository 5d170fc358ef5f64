from __future__ import annotations

import pytest

from storage.config import ConfigError, config_path, load_keymap
from tests.cli.test_commands import sk

IDS = {"review.snooze", "app.quit"}


def test_keymap_is_read_and_checked(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[keymap]\n"review.snooze" = "z, ctrl+z"\n', encoding="utf-8")
    assert load_keymap(cfg, IDS) == {"review.snooze": "z,ctrl+z"}
    assert load_keymap(tmp_path / "missing.toml", IDS) == {}


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
        load_keymap(cfg, IDS)
    assert str(e.value).startswith(f"{cfg}: ") and message in str(e.value)


def test_config_path_precedence(tmp_path):
    assert config_path("/x/c.toml", {"SCOPEKEEPER_CONFIG": "/y.toml"}).as_posix() == "/x/c.toml"
    assert config_path(None, {"SCOPEKEEPER_CONFIG": "/y.toml"}).as_posix() == "/y.toml"
    assert config_path(None, {"XDG_CONFIG_HOME": "/cfg"}).as_posix() == \
        "/cfg/scopekeeper/config.toml"


def test_the_app_refuses_a_bad_keymap_with_one_line(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[keymap]\n"nope" = "z"\n', encoding="utf-8")
    out = sk("--config", str(cfg), db=tmp_path / "a.json")
    assert out.returncode == 1
    assert out.stderr == f"scopekeeper: error: {cfg}: keymap.nope: no binding has this id " \
                         "(see README, Keys)\n"
    out = sk("--config", str(tmp_path / "none.toml"), db=tmp_path / "a.json")
    assert out.returncode == 1 and "none.toml: no such file" in out.stderr
