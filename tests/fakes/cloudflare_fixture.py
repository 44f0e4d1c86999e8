"""pytest fixture for the Cloudflare fake. Use it from a conftest.py:

from tests.fakes.cloudflare_fixture import fake_cloudflare  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.cloudflare import FakeCloudflare


@pytest.fixture
def fake_cloudflare() -> Iterator[FakeCloudflare]:
    """A running fake (all three providers answer "Hello from <provider>." by default)."""
    with FakeCloudflare() as fake:
        yield fake
