"""A fresh PostgreSQL database for each test that asks for one (``pg_url``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest


@pytest.fixture
def pg_url() -> Iterator[str]:
    """Until the test run's server lands: a fresh database on $PGDEV_HOST."""
    host = os.environ.get("PGDEV_HOST")
    if not host:
        pytest.skip("PostgreSQL NOT TESTED: no server")
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"postgresql:///postgres?host={host}", autocommit=True) as c:
        c.execute(f"create database {name}")
    yield f"postgresql:///{name}?host={host}"
    with psycopg.connect(f"postgresql:///postgres?host={host}", autocommit=True) as c:
        c.execute(f"drop database {name} with (force)")
