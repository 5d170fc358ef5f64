"""The writers' lock: an ``flock`` on ``NAME.json.lock`` held only while a change is
checked and appended (never while a person types); the kernel drops it when the holder
dies. A system call failing under it becomes one line naming the file at fault."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.access import os_errors, os_problem
from storage.errors import StorageError
from storage.files import Privacy, file_lock, make_dirs


class WritersLock:
    """The lock of one data file, and whether this process holds it now."""

    def __init__(self, data_file: Path, lock_file: Path, privacy: Privacy,
                 timeout: float) -> None:
        self.data_file = data_file
        self.lock_file = lock_file
        self.privacy = privacy
        self.timeout = timeout
        self.holding = False  # nobody else can change the files while this is True

    @contextmanager
    def held(self, catch_up: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the lock (making the data file's folder first); ``catch_up`` runs first
        under it (reading what others committed), the lock is let go if it fails."""
        lock = file_lock(self.lock_file, self.privacy.file_mode, self.timeout)
        with os_errors(self.data_file, "write"):
            make_dirs(self.data_file.parent, self.privacy)
            lock.__enter__()
        self.holding = True
        try:
            if catch_up is not None:
                with os_errors(self.data_file, "write"):
                    catch_up()
        except BaseException as e:
            self.holding = False
            lock.__exit__(type(e), e, e.__traceback__)
            raise
        try:
            yield
        except OSError as e:
            raise StorageError(os_problem(e, self.data_file, "write")) from None
        finally:
            self.holding = False
            lock.__exit__(None, None, None)
