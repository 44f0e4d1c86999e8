"""The security suites build apps like the channel tests do (both sample diners, the fake clock, a fake
Slack Web API, Twilio and Slack credentials) on SQLite and, when configured, Postgres."""

from tests.integration.channels.conftest import app, client, fake_slack, make_app  # noqa: F401
