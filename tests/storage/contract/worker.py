"""A second process on the same storage: ``python -m tests.storage.contract.worker KIND
LOCATION LOGIN N TAG [together]`` saves N interactions tagged TAG, one change each (or,
with ``together``, all N as one change)."""

from __future__ import annotations

import sys

from tests.storage.contract.backends import open_backend
from tests.storage.workers import interaction


def main(argv: list[str]) -> int:
    kind, location, login, n, tag = argv[0], argv[1], argv[2], int(argv[3]), argv[4]
    storage = open_backend(kind, location, login)
    if argv[5:] == ["together"]:
        storage.save([interaction(tag, i) for i in range(n)])
        return 0
    for i in range(n):
        storage.save([interaction(tag, i)])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
