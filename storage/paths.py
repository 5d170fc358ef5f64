"""Where the data file lives: ``--db``, else ``$SCOPEKEEPER_DB``, else the user data dir."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP = "scopekeeper"
FILENAME = "scopekeeper.json"


def user_data_dir(env: Mapping[str, str]) -> Path:
    """XDG data dir: ``$XDG_DATA_HOME/scopekeeper`` or ``~/.local/share/scopekeeper``."""
    base = env.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / APP


def data_path(db: str | None, env: Mapping[str, str] | None = None) -> Path:
    """The data file to use; nothing is created here."""
    env = os.environ if env is None else env
    if db:
        return Path(db).expanduser()
    from_env = env.get("SCOPEKEEPER_DB", "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return user_data_dir(env) / FILENAME


def drafts_dir(env: Mapping[str, str]) -> Path:
    """Where open forms are kept on a hang-up: ``$XDG_STATE_HOME/scopekeeper/drafts``."""
    base = env.get("XDG_STATE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / APP / "drafts"
