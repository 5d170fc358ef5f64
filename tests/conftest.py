from __future__ import annotations

import pytest
from hypothesis import settings

from tests.sealed import sealed_process

# postgres_server (session, started lazily) and postgres_url (a fresh database per test)
pytest_plugins = ("tests.postgres",)

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def sealed_session(tmp_path_factory):
    """Sealed before any module- or session-scoped fixture runs (they make demo files)."""
    yield from sealed_process(tmp_path_factory.mktemp("session-host"))


@pytest.fixture(autouse=True)
def sealed(sealed_session, tmp_path_factory):
    """Every test, and every process it starts, runs sealed from the machine: its own home
    and XDG directories, no system configuration, the day fixed at ``TODAY``, a harmless
    editor, a known terminal (see ``tests/sealed.py``)."""
    yield from sealed_process(tmp_path_factory.mktemp("host"))


@pytest.fixture
def today():
    from tests.factories import TODAY

    return TODAY


def pytest_addoption(parser):
    parser.addoption("--hangup-rounds", type=int, default=12, dest="hangup_rounds",
                     help="terminals tests/ui/test_lifeline.py drops at random moments (make "
                     "hangups: 100)")
    parser.addoption("--hangup-seed", type=int, default=14, dest="hangup_seed",
                     help="the first round's seed (a failure names its seed: pass it with "
                     "--hangup-rounds 1 to replay it)")
    parser.addoption("--fuzz-examples", type=int, default=40, dest="fuzz_examples",
                     help="command lines tests/cli/test_fuzz.py tries (make fuzz: thousands)")
    parser.addoption("--burst-pairs", type=int, default=3, dest="burst_pairs",
                     help="key pairs per screen tests/ui/test_key_bursts.py sends in one "
                          "burst (0: every pair, several minutes)")
