"""Writer processes for the storage tests: ``python -m tests.storage.workers MODE ...``.

save PATH N TAG            save N new interactions tagged TAG, one change each
loop PATH TAG COMPACT      save until killed; print each id once its save returned
hold PATH SECONDS          take the store's lock and hold it (then exit)
"""

from __future__ import annotations

import sys
import time
from datetime import date

from storage.engine.database import Database
from storage.engine.settings import Settings
from storage.files import file_lock
from storage.repositories import Store
from tracker.models import Client, Interaction, InteractionKind

CLIENT = Client(id="cli_load", name="Load Test", start_date=date(2026, 1, 1))


def interaction(tag: str, i: int) -> Interaction:
    return Interaction(id=f"int_{tag}_{i:05d}", client_id=CLIENT.id,
                       kind=InteractionKind.EMAIL, on=date(2026, 11, 23), author=tag,
                       notes=f"{tag}:{i}")


def main(argv: list[str]) -> int:
    mode, path = argv[0], argv[1]
    if mode == "save":
        n, tag = int(argv[2]), argv[3]
        store = Store(path, author=tag)
        for i in range(n):
            store.interactions.save(interaction(tag, i))
    elif mode == "loop":
        tag, compact = argv[2], int(argv[3])
        store = Store(path, Settings(compact_entries=compact), author=tag)
        i = 0
        while True:
            store.interactions.save(interaction(tag, i))
            sys.stdout.write(f"int_{tag}_{i:05d}\n")
            sys.stdout.flush()
            i += 1
    elif mode == "hold":
        db = Database(path)
        with file_lock(db.lock_path, db.mode, 5):
            sys.stdout.write("locked\n")
            sys.stdout.flush()
            time.sleep(float(argv[2]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
