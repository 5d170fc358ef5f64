"""The PostgreSQL fixtures (a pytest plugin, loaded by ``tests/conftest.py``).

- ``postgres_server`` (session): a :class:`tests.pg_server.Server`, started the first time a
  test asks for it, so a run of other tests pays nothing. Each xdist worker starts its own
  (≈1.5 s): nothing to coordinate between workers, and each stops its own at its end.
- ``postgres_url`` (function): a fresh, empty database for this test; its connection URL
  (``postgresql:///NAME?host=SOCKDIR``), connecting as the tests' own login by peer
  authentication. Dropped after the test; the sessions left connected to any database a
  test makes are ended after it.

Where no server can be started the tests that ask for one are skipped, and the run's summary
says so in one line (``PostgreSQL tests SKIPPED: <why>``); with
``SCOPEKEEPER_REQUIRE_POSTGRES=1`` (``.ci/run`` sets it) they fail instead.
``SCOPEKEEPER_PG_BINDIR`` points the fixture at another folder of PostgreSQL programs.
Both are read when the run starts (the sealed tests see no ``SCOPEKEEPER_*`` variable).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.pg_server import Server, Unavailable, start

#: The reason of every PostgreSQL skip starts with this (the summary finds them by it).
SKIPPED = "PostgreSQL tests SKIPPED: "
REQUIRE = "SCOPEKEEPER_REQUIRE_POSTGRES"
BINDIR = "SCOPEKEEPER_PG_BINDIR"

_settings: dict[str, str | None] = {}
_started: list[Server] = []  # the server of this process, once a test has asked for it


def pytest_configure(config: pytest.Config) -> None:
    _settings["require"] = os.environ.get(REQUIRE, "")
    _settings["bindir"] = os.environ.get(BINDIR)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    try:
        server = start(_settings.get("bindir"))
    except Unavailable as why:
        if _settings.get("require") not in ("", "0"):
            pytest.fail(f"PostgreSQL is required ({REQUIRE} is set) but: {why}", pytrace=False)
        pytest.skip(f"{SKIPPED}{why}")
    _started.append(server)
    try:
        yield server
    finally:
        _started.remove(server)
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: Server) -> Iterator[str]:
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture(autouse=True)
def _end_the_tests_sessions() -> Iterator[None]:
    """Whatever sessions a test left connected to the databases it made are ended after it
    (a server takes 100 at once: the apps and stores of a run of flows would use them up)."""
    yield
    for server in _started:
        server.end_sessions()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One loud line when PostgreSQL tests were skipped (from any xdist worker)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and str(longrepr[2]).startswith("Skipped: " + SKIPPED):
            reason = str(longrepr[2]).removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        terminalreporter.write_sep("!", f"{reason} [{count} tests]", red=True, bold=True)
