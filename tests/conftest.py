from __future__ import annotations

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")


@pytest.fixture
def today():
    from tests.factories import TODAY

    return TODAY
