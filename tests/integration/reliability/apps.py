"""Apps for the reliability suites: the channel tests' `make_app` (Twilio and Slack credentials, the fake
Slack Web API, the fake clock, both sample diners in the test database), optionally pointed at the fake
Cloudflare. The fixtures built on them (`build_app`, `slack_api`, `twilio_rest`) live in this suite's
conftest.py; this module holds the names and helpers test modules import.
"""

from __future__ import annotations

from tests.fakes.cloudflare import FakeCloudflare

TWILIO_ACCOUNT = "AC" + "1" * 32


def ai_settings(fake: FakeCloudflare, **extra: object) -> dict[str, object]:
    """Settings (DESIGN 4.5 names, lower case) that point every AI provider at the fake."""
    settings: dict[str, object] = {key.lower(): value for key, value in fake.env().items()}
    settings.update(extra)
    return settings


def no_ai() -> dict[str, object]:
    """Settings with every AI provider explicitly off (so no developer .env can switch one on)."""
    return {"cloudflare_ai_gateway_url": None, "cloudflare_account_id": None, "llm_base_url": None}


# Short upstream timeouts (AI_CONNECT_TIMEOUT, AI_READ_TIMEOUT, AI_TOTAL_TIMEOUT): the Slack and web chat
# paths pass no deadline of their own, so a timing-out upstream costs a second here instead of twelve.
SHORT_AI_TIMEOUTS = {"ai_connect_timeout": 0.2, "ai_read_timeout": 0.2, "ai_total_timeout": 0.8}
