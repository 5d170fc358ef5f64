"""The checkers of configuration values: each takes a value read from a TOML file and where
it was read (a path is relative to its file, ``~`` is the home directory) and returns the
checked value, or raises :class:`Bad` with what is wrong (:mod:`storage.config` names the file
and key)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.locations import DatabaseUrl, database_url, is_database_url
from storage.paths import expand_user
from tracker.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value was read: its file (relative paths are relative to it) and the home
    directory (``~``)."""

    file: Path
    home: Path


Checker = Callable[[Any, Where], Any]


class Bad(ValueError):
    pass


def text_value(v: Any, _: Where) -> str:
    if not isinstance(v, str):
        raise Bad("must be text, in quotes")
    return v.strip()


def path_value(v: Any, where: Where) -> Path:
    given = text_value(v, where)
    if not given:
        raise Bad("must not be empty")
    p = expand_user(given, where.home)
    return p if p.is_absolute() else (where.file.parent / p)


def url_value(v: Any, where: Where) -> DatabaseUrl:
    given = text_value(v, where)
    if not is_database_url(given):
        raise Bad("must be a PostgreSQL URL (postgresql://...); a data file is data.path")
    try:
        return database_url(given, "data.url")
    except ValidationError as e:  # the message never quotes the URL (it may hold a secret)
        raise Bad(e.message) from None


def one_of(*allowed: str) -> Checker:
    def check(v: Any, _: Where) -> str:
        if not isinstance(v, str) or v not in allowed:
            raise Bad(f"must be one of {', '.join(repr(a) for a in allowed)}")
        return v

    return check


def true_or_false(v: Any, _: Where) -> bool:
    if not isinstance(v, bool):
        raise Bad("must be true or false")
    return v


def whole_number(low: int, high: int) -> Checker:
    def check(v: Any, _: Where) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise Bad("must be a whole number")
        if not low <= v <= high:
            raise Bad(f"must be between {low} and {high}")
        return v

    return check


def number_value(low: float, high: float) -> Checker:
    def check(v: Any, _: Where) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise Bad("must be a number")
        if not low <= v <= high:
            raise Bad(f"must be between {low:g} and {high:g}")
        return float(v)

    return check


def key_list(v: Any, _: Where) -> str:
    parts = v.replace(" ", "").split(",") if isinstance(v, str) else []
    if not parts or not all(parts):
        raise Bad('must be keys like "z" or "ctrl+z,z"')
    return ",".join(parts)
