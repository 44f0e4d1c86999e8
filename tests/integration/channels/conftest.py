"""Apps wired like production (create_app) with Twilio and Slack credentials, a fake Slack Web API and
the fake clock; the store fixture has loaded the sample diner (blue-plate) into the same database."""

from __future__ import annotations

import pytest

from diner_agent.app import create_app
from diner_agent.assembly import Assembly
from tests.fakes.slack_api import FakeSlackApi
from tests.integration.channels.webhooks import PUBLIC, SLACK_BOT_TOKEN, SLACK_SECRET, TWILIO_TOKEN


@pytest.fixture
def fake_slack():
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def make_app(store, db_url, clock, fake_slack, monkeypatch, tmp_path):
    """Build an app on the test database; keyword arguments override settings (e.g. public_base_url=None)."""
    monkeypatch.chdir(tmp_path)  # no developer .env / .dev.vars leaks into the settings
    built = []

    def build(**overrides):
        settings = dict(
            database_url=db_url,
            twilio_auth_token=TWILIO_TOKEN,
            slack_signing_secret=SLACK_SECRET,
            slack_bot_token=SLACK_BOT_TOKEN,
            slack_api_url=fake_slack.api_url,
            public_base_url=PUBLIC,
            redis_url=None,
        )
        settings.update(overrides)
        app = create_app(clock=clock, **settings)
        built.append(app)
        return app

    yield build
    for app in built:
        Assembly.of(app).close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()
