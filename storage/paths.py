"""Where things live: the data (``--db``, else ``$SCOPEKEEPER_DB``, else the user data dir:
a file's path or a PostgreSQL URL, see :mod:`storage.locations`), the person's configuration
and drafts.

Nothing here reads the process environment: the composition root hands in a :class:`Places`
(the environment it read and the person's home directory).
"""

from __future__ import annotations

import pwd
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from storage.locations import Location, database_url, is_database_url
from tracker.errors import ValidationError

APP = "scopekeeper"
FILENAME = "scopekeeper.json"


def expand_user(text: str, home: Path) -> Path:
    """A path as a person typed it: ``~`` is ``home``, ``~name`` that account's home."""
    if "\0" in text:  # the OS would refuse it with a ValueError deep in some call
        raise ValidationError("path", f"{text!r} contains a NUL character, which no file "
                              "name can hold")
    if not text.startswith("~"):
        return Path(text)
    name, _, rest = text[1:].partition("/")
    if not name:
        return home / rest
    try:
        return Path(pwd.getpwnam(name).pw_dir) / rest
    except KeyError:
        return Path(text)  # no such account: the name is taken as it is


@dataclass(frozen=True, slots=True, kw_only=True)
class Places:
    """The person's environment as far as file locations go."""

    home: Path
    env: Mapping[str, str] = field(default_factory=dict)

    def expand(self, text: str) -> Path:
        return expand_user(text, self.home)

    def xdg(self, var: str, *default: str) -> Path:
        """``$var/scopekeeper`` when it is absolute (the XDG rule), else ``~/<default>/...``."""
        base = self.env.get(var, "").strip()
        root = Path(base) if base and Path(base).is_absolute() else self.home.joinpath(*default)
        return root / APP

    def var(self, name: str) -> str:
        """An environment variable's value, stripped ('' when unset)."""
        return self.env.get(name, "").strip()


def user_data_dir(places: Places) -> Path:
    """XDG data dir: ``$XDG_DATA_HOME/scopekeeper`` or ``~/.local/share/scopekeeper``."""
    return places.xdg("XDG_DATA_HOME", ".local", "share")


def location(text: str, places: Places, what: str) -> Location:
    """A data file's path or a database URL as a person gave it (``what``: where)."""
    return database_url(text, what) if is_database_url(text) else places.expand(text)


def data_path(db: str | None, places: Places) -> Location:
    """Where the data is: ``--db``, else ``$SCOPEKEEPER_DB``, else the user data dir's
    file. Nothing is created here."""
    if db:
        return location(db, places, "--db")
    if places.var("SCOPEKEEPER_DB"):
        return location(places.var("SCOPEKEEPER_DB"), places, "$SCOPEKEEPER_DB")
    return user_data_dir(places) / FILENAME


def drafts_dir(places: Places) -> Path:
    """Where open forms are kept on a hang-up: ``$XDG_STATE_HOME/scopekeeper/drafts``."""
    return places.xdg("XDG_STATE_HOME", ".local", "state") / "drafts"


def state_dir(places: Places) -> Path:
    """The person's own state: ``$XDG_STATE_HOME/scopekeeper`` or
    ``~/.local/state/scopekeeper`` (crash reports; drafts live in ``drafts/`` below it)."""
    return places.xdg("XDG_STATE_HOME", ".local", "state")


#: What libpq reads from the environment to say which database a URL means.
LIBPQ_PLACES = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE",
                "PGSERVICEFILE", "PGOPTIONS")


def review_copy(places: Places, url: str) -> Path:
    """Where this person keeps the last review read from the database at ``url`` (shown at
    the app's next start while the database is asked): ``$XDG_CACHE_HOME/scopekeeper/
    reviews/`` or ``~/.cache/...``, named by a digest of the URL without its password and
    of what libpq reads from the environment to complete it (another ``PGHOST``: another
    database, another copy)."""
    import hashlib

    from storage.locations import redact

    said = "\0".join([redact(url), *(f"{v}={places.var(v)}" for v in LIBPQ_PLACES)])
    name = hashlib.sha256(said.encode()).hexdigest()[:20]
    return places.xdg("XDG_CACHE_HOME", ".cache") / "reviews" / f"{name}.json"


def scratch_dir(places: Places) -> Path:
    """A folder only this person can enter, for a note being written in their editor:
    ``$XDG_RUNTIME_DIR/scopekeeper`` (private to the login, emptied at logout), else
    ``$XDG_STATE_HOME/scopekeeper/editing``; never the shared ``/tmp``."""
    runtime = places.var("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute():
        return Path(runtime) / APP
    return places.xdg("XDG_STATE_HOME", ".local", "state") / "editing"
