"""The sealed environment every test runs in (see ``tests/conftest.py``).

No test sees the machine's home directory, its configuration, its clock or its terminal:
the autouse fixture ``sealed`` rewrites this process's environment before each test, and
every subprocess a test starts inherits it or is given :func:`sealed_env` (a guard in
``tests/unit/test_sealed.py`` fails otherwise).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, MutableMapping
from pathlib import Path

from tests.factories import TODAY

#: Removed from the environment of every test (prefixes end in ``_``).
DROPPED = ("SCOPEKEEPER_", "XDG_", "TEXTUAL", "LC_", "COLORTERM", "NO_COLOR", "FORCE_COLOR",
           "ESCDELAY", "COLUMNS", "LINES", "EDITOR", "VISUAL", "PAGER", "TMUX", "STY",
           "SSH_", "MAIL", "TZ", "LANGUAGE",
           # the interpreter's behaviour: a developer's PYTHONWARNINGS=error or
           # PYTHONUNBUFFERED=1 is theirs only (the app ends on a hang-up with it set too:
           # tests/ui/test_lifeline.py sets it on purpose)
           "PYTHONUNBUFFERED", "PYTHONSTARTUP", "PYTHONWARNINGS", "PYTHONINSPECT",
           "PYTHONBREAKPOINT", "PYTHONASYNCIODEBUG", "PYTHONDEVMODE", "PYTHONIOENCODING",
           "PYTHONUTF8", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH",
           # libpq's defaults (PGHOST, PGUSER, PGPASSFILE...): a developer's database is
           # theirs only; the tests connect to their own server
           "PG")
#: Kept although a prefix above matches: pytest-textual-snapshot's own working directory.
KEPT = ("TEXTUAL_SNAPSHOT_",)
#: Harmless stand-ins: an editor that leaves the text as it is, a terminal everyone knows.
FIXED = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "TZ": "UTC", "EDITOR": "true",
         "VISUAL": "true", "SCOPEKEEPER_TODAY": TODAY.isoformat()}


def home_of(home: Path) -> dict[str, str]:
    """A person whose home is ``home``: ``$HOME`` and every XDG directory inside it."""
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_DIRS": str(home / ".xdg-etc"),
            "XDG_DATA_DIRS": str(home / ".xdg-share")}


def seal(env: MutableMapping[str, str], root: Path) -> None:
    """Make ``env`` the sealed environment, with the host's files under ``root``."""
    for name in [n for n in env if n.startswith(DROPPED) and not n.startswith(KEPT)]:
        del env[name]
    env.update(FIXED)
    env.update(home_of(root / "home"))
    # a system configuration file that does not exist: tests that want one write it
    env["SCOPEKEEPER_SYSTEM_CONFIG"] = str(root / "etc" / "scopekeeper" / "config.toml")


def sealed_env(home: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for a subprocess: this test's sealed one, with another ``home``
    (``$HOME`` and the XDG directories in it) and ``extra`` variables if given."""
    assert os.environ.get("SCOPEKEEPER_TODAY") == TODAY.isoformat(), "not in a sealed test"
    env = dict(os.environ)
    if home is not None:
        env.update(home_of(home))
    env.update(extra)
    return env


def sealed_process(root: Path) -> Iterator[None]:
    """Seal ``os.environ`` (and the C library's idea of the time zone) for one test."""
    saved = dict(os.environ)
    seal(os.environ, root)
    time.tzset()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        time.tzset()
