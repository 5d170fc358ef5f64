"""What the machine tells the program, read in one place: the clock, the login, the
environment and where the system configuration lives.

Nothing below ``scopekeeper/`` reads any of these: ``storage/`` and ``screens/`` are handed
what they need (a clock, paths, an environment mapping), and ``tracker/`` is handed the day.

Two overrides exist for tests and demonstrations (never needed in daily use):

- ``SCOPEKEEPER_TODAY=YYYY-MM-DD``: the day the program believes it is, for every command
  and the app (instants written down as such -- the audit trail's times, backup names --
  stay real);
- ``SCOPEKEEPER_SYSTEM_CONFIG=FILE``: the system configuration file instead of
  ``/etc/scopekeeper/config.toml`` (an empty value: no system file).
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from storage.locations import database_url, is_database_url
from storage.paths import Places, expand_user
from tracker.dates import EARLIEST, LATEST
from tracker.errors import ValidationError

TODAY_VAR = "SCOPEKEEPER_TODAY"
SYSTEM_CONFIG_VAR = "SCOPEKEEPER_SYSTEM_CONFIG"
SYSTEM_CONFIG = Path("/etc/scopekeeper/config.toml")
#: Variables naming a file (or a database): set but empty is a mistake, never "the default".
PATH_VARS = ("SCOPEKEEPER_DB", "SCOPEKEEPER_CONFIG")


class HostError(ValueError):
    """An override in the environment that cannot be used (one line, exit 2)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Host:
    """The outside world as this run sees it; built by :func:`read_host`."""

    env: Mapping[str, str]
    login: str
    system_config: Path | None  # None: no system file (``SCOPEKEEPER_SYSTEM_CONFIG=``)
    day: date | None = None  # the moved day (``SCOPEKEEPER_TODAY``); None: the real one

    def today(self) -> date:
        """The day the program believes it is."""
        return self.day or date.today()  # noqa: DTZ011 - the composition root owns the clock

    def now(self) -> datetime:
        """The real instant (UTC), whatever day is believed: what the audit trail, backup
        names and a file's time stamp record (backups are ordered by it)."""
        return datetime.now(UTC)

    @property
    def home(self) -> Path:
        """The person's home directory: ``$HOME`` if it is absolute, else the account's."""
        given = self.env.get("HOME", "").strip()
        if given and Path(given).is_absolute():
            return Path(given)
        try:
            return Path(pwd.getpwuid(os.geteuid()).pw_dir)
        except KeyError:
            return Path("/")

    @property
    def places(self) -> Places:
        """What storage needs of the environment to find files."""
        return Places(home=self.home, env=self.env)

    def expand(self, text: str) -> Path:
        """A path the person typed, with ``~`` meaning their home."""
        return expand_user(text, self.home)

    @property
    def editor(self) -> str:
        """The command that edits a note: ``$VISUAL``, else ``$EDITOR``, else ``vi``."""
        return (self.env.get("VISUAL", "").strip() or self.env.get("EDITOR", "").strip()
                or "vi")


def login() -> str:
    """The Unix login of this process, from the OS (not from editable settings)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def parse_day(text: str) -> date:
    """``SCOPEKEEPER_TODAY``'s value: a calendar day written ``YYYY-MM-DD``."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise HostError(f"{TODAY_VAR}={text!r} is not a day written YYYY-MM-DD (it sets the "
                        "day the program believes it is; unset it to use today)") from None
    if len(text.strip()) != 10 or not EARLIEST <= day <= LATEST:  # the range of every date
        raise HostError(f"{TODAY_VAR}={text!r}: give a day written YYYY-MM-DD between "
                        f"{EARLIEST} and {LATEST}")
    return day


def read_host(environ: Mapping[str, str] | None = None) -> Host:
    """The host of this run, from ``environ`` (default: this process's environment)."""
    env = dict(os.environ if environ is None else environ)
    for name in PATH_VARS:
        if name in env and not env[name].strip():
            raise HostError(f"{name} is set but empty: give a file's path, or unset it "
                            f"(unset {name})")
    if is_database_url(env.get("SCOPEKEEPER_DB", "")):  # refused before anything reads it
        try:
            database_url(env["SCOPEKEEPER_DB"], "SCOPEKEEPER_DB")
        except ValidationError as e:
            raise HostError(str(e)) from None
    moved = env.get(TODAY_VAR)
    system = env.get(SYSTEM_CONFIG_VAR)
    return Host(env=env, login=login(),
                system_config=SYSTEM_CONFIG if system is None else (
                    Path(system) if system.strip() else None),
                day=parse_day(moved) if moved is not None and moved.strip() else None)
