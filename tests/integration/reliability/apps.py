"""Apps for the reliability suites: the channel tests' `make_app` (Twilio and Slack credentials, the fake
Slack Web API, the fake clock, both sample diners in the test database), optionally pointed at the fake
Cloudflare. A test module imports the fixtures it uses:

    from tests.integration.reliability.apps import build_app_fixture, fake_slack, make_app, ...  # noqa: F401

and asks for them by their fixture names (`build_app`, `slack_api`, `twilio_rest`),
which differ from the imported names so that no test parameter shadows an import.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.fakes.cloudflare import FakeCloudflare
from tests.fakes.twilio_rest import FakeTwilioRest
from tests.integration.channels.conftest import fake_slack, make_app  # noqa: F401 (requested below)

BLUE_PLATE = "blue-plate"
DEMO = "demo-diner"
DEMO_NUMBER = "+15555550150"
DEMO_DANA = "+15555550151"  # demo-diner's owner (Slack U0DANA in T0DEMODNR)
DEMO_SAM = "+15555550152"
DEMO_RILEY = "+15555550153"  # staff, no Slack user
BLUE_TEAM = "T0BLUEPLT"
DEMO_TEAM = "T0DEMODNR"
TWILIO_ACCOUNT = "AC" + "1" * 32


def ai_settings(fake: FakeCloudflare, **extra: object) -> dict[str, object]:
    """Settings (DESIGN 4.5 names, lower case) that point every AI provider at the fake."""
    settings: dict[str, object] = {key.lower(): value for key, value in fake.env().items()}
    settings.update(extra)
    return settings


def no_ai() -> dict[str, object]:
    """Settings with every AI provider explicitly off (so no developer .env can switch one on)."""
    return {"cloudflare_ai_gateway_url": None, "cloudflare_account_id": None, "llm_base_url": None}


@pytest.fixture(name="build_app")
def build_app_fixture(make_app):  # noqa: F811 (the channel tests' fixture, requested by name)
    """build_app(**settings): the channel tests' make_app."""
    return make_app


@pytest.fixture(name="slack_api")
def slack_api_fixture(fake_slack):  # noqa: F811
    """The fake Slack Web API the apps post to."""
    return fake_slack


# Short upstream timeouts (AI_CONNECT_TIMEOUT, AI_READ_TIMEOUT, AI_TOTAL_TIMEOUT): the Slack and web chat
# paths pass no deadline of their own, so a timing-out upstream costs a second here instead of twelve.
SHORT_AI_TIMEOUTS = {"ai_connect_timeout": 0.2, "ai_read_timeout": 0.2, "ai_total_timeout": 0.8}


@pytest.fixture(name="twilio_rest")
def twilio_rest_fixture():
    with FakeTwilioRest() as fake:
        yield fake


def eventually(condition: Callable[[], object], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())
