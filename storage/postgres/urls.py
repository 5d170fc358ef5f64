"""Which locations name a PostgreSQL database (``postgresql://`` or ``postgres://``), and
such a URL as it may be shown. Kept apart from the connecting so that telling a database
from a data file imports no database driver (the TinyDB engine's start pays nothing)."""

from __future__ import annotations

import re

SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: object) -> bool:
    """True for a PostgreSQL connection URL, false for a data file's path."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def shown(url: str) -> str:
    """The URL as it may be printed: a password in it is never shown."""
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", url)
