"""Fixtures for the reliability suites, on top of the channel tests' `make_app` and fake Slack Web API.

The cross-worker limits check needs Redis (that is what makes limits exact across workers): it is
collected when TEST_REDIS_URL is set, and with REQUIRE_SERVICES=1 a missing Redis stops the run."""

import pytest

from tests.fakes.twilio_rest import FakeTwilioRest
from tests.integration.channels.conftest import fake_slack, make_app  # noqa: F401 (fixtures used below)
from tests.services import redis_url

collect_ignore = [] if redis_url() else ["test_limits_across_workers.py", "test_budgets_across_workers.py"]


@pytest.fixture(name="build_app")
def build_app_fixture(make_app):  # noqa: F811 (the channel tests' fixture, requested by name)
    """build_app(**settings): the channel tests' make_app (both sample diners, fake clock and Slack)."""
    return make_app


@pytest.fixture(name="slack_api")
def slack_api_fixture(fake_slack):  # noqa: F811
    """The fake Slack Web API the apps post to."""
    return fake_slack


@pytest.fixture(name="twilio_rest")
def twilio_rest_fixture():
    """A fake Twilio REST API on loopback, for replies sent after the webhook has answered."""
    with FakeTwilioRest() as fake:
        yield fake
