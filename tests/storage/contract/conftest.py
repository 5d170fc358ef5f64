"""The backend under test: one parameter per backend in ``backends.BACKENDS``, each on real
storage made fresh for the test (the TinyDB engine: a data file in ``tmp_path``;
PostgreSQL: a new database on the test run's server).

A test of what only one backend has (the TinyDB engine's backups) says so with
``@pytest.mark.only_backend("tinydb", reason=...)``: it runs for that backend and is
reported as skipped, with the reason, for the others."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from storage.contract import Storage
from tests.storage.contract.backends import BACKENDS, open_backend


@dataclass(frozen=True)
class Backend:
    kind: str
    location: str

    def open(self, login: str = "ann") -> Storage:
        return open_backend(self.kind, self.location, login)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "only_backend(kind, reason): a test of what only "
                                       "that backend has")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path) -> Backend:
    only = request.node.get_closest_marker("only_backend")
    if only is not None and only.args[0] != request.param:
        pytest.skip(f"{only.args[0]} only: {only.kwargs['reason']}")
    if request.param == "postgresql":
        return Backend(kind="postgresql", location=request.getfixturevalue("postgres_url"))
    return Backend(kind=request.param, location=str(tmp_path / "agency.json"))


@pytest.fixture
def storage(backend: Backend) -> Storage:
    return backend.open()
