"""The user's configuration file (TOML): ``[keymap]`` maps a binding id to the keys that
should trigger it, e.g. ``"review.snooze" = "z"``; ``[agency] name`` signs the documents."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from storage.errors import StorageError


class ConfigError(StorageError):
    pass


def config_path(flag: str | None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if flag:
        return Path(flag).expanduser()
    if env.get("SCOPEKEEPER_CONFIG", "").strip():
        return Path(env["SCOPEKEEPER_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "scopekeeper" / "config.toml"


def _read(path: Path, required: bool) -> dict[str, object]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: no such file") from None
        return {}
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None


def load_agency_name(path: Path, required: bool = False) -> str:
    """``[agency] name``: how documents sign off (empty if not set)."""
    agency = _read(path, required).get("agency", {})
    if not isinstance(agency, dict):
        raise ConfigError(f"{path}: agency: must be a table, e.g. [agency] name = \"Acme\"")
    name = agency.get("name", "")
    if not isinstance(name, str):
        raise ConfigError(f"{path}: agency.name: must be text")
    return name.strip()


def load_keymap(path: Path, known_ids: Iterable[str] | Callable[[], Iterable[str]],
                required: bool = False) -> dict[str, str]:
    """The ``[keymap]`` table, checked: every id must exist and every value be keys.
    ``known_ids`` may be a function, called only if there is a keymap to check."""
    keymap = _read(path, required).get("keymap", {})
    if not isinstance(keymap, dict):
        raise ConfigError(f"{path}: keymap: must be a table of binding id = \"keys\"")
    if not keymap:
        return {}
    ids = set(known_ids() if callable(known_ids) else known_ids)
    for key, value in keymap.items():
        if key not in ids:
            raise ConfigError(f"{path}: keymap.{key}: no binding has this id (see README, Keys)")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: keymap.{key}: must be keys like \"z\" or \"ctrl+z,z\"")
    return {k: v.replace(" ", "") for k, v in keymap.items()}
