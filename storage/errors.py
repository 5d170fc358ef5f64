"""Errors the storage layer raises; each message is one line a person can act on."""

from __future__ import annotations


class StorageError(Exception):
    """The data file cannot be used as asked (unreadable, not ours, newer schema...)."""


class NotFound(StorageError, KeyError):
    """No record with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"
