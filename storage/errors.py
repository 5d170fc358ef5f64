"""Errors the storage layer raises; each message is one line a person can act on."""

from __future__ import annotations

from typing import Any


class StorageError(Exception):
    """The data file cannot be used as asked (unreadable, not ours, newer schema...)."""


class NotFound(StorageError, KeyError):
    """No record with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class Conflict(StorageError):
    """Someone else saved (or deleted) the record since it was loaded: ``mine`` is what was
    to be saved, ``theirs`` what is stored now (None: deleted). Every backend raises it."""

    def __init__(self, mine: Any, theirs: Any | None) -> None:
        kind = type(mine).__name__
        if theirs is None and mine.rev:
            what = "was deleted by someone else"
        elif theirs is not None and not mine.rev:
            what = "already exists"
        else:
            now = theirs.rev if theirs is not None else 0
            what = f"was changed by someone else (now rev {now}, yours rev {mine.rev})"
        super().__init__(f"{kind} {mine.id} {what}")
        self.mine = mine
        self.theirs = theirs
