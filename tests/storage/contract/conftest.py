"""The backend under test: one parameter per backend in ``backends.BACKENDS``, each on real
storage made fresh for the test (the TinyDB engine: a data file in ``tmp_path``)."""

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


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path) -> Backend:
    return Backend(kind=request.param, location=str(tmp_path / "agency.json"))


@pytest.fixture
def storage(backend: Backend) -> Storage:
    return backend.open()


