"""Settings: the only reader of environment variables, `.env` and `.dev.vars`.

Every other module receives a `Settings` instance (or values taken from one) from `create_app` or the
CLI, so tests build settings explicitly and nothing reads the environment at import time.
Missing credentials never fail validation: they switch the feature off, and `feature_report()` says so.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

DEFAULT_SQLITE_URL = "sqlite:///instance/diner-agent.db"
DEFAULT_MODEL = "@cf/meta/llama-3.1-8b-instruct-fast"

# The integration guide this project grew from names a host Cloudflare does not have.
_WRONG_GATEWAY_HOST = re.compile(r"^https?://api\.ai\.cloudflare\.com", re.IGNORECASE)
_GATEWAY_URL_FORM = "https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}"


class Settings(BaseSettings):
    """Deployment settings (DESIGN 4.5). Field names are the environment variable names, case-insensitive."""

    model_config = SettingsConfigDict(
        env_file=(".env", ".dev.vars"),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    database_url: str = DEFAULT_SQLITE_URL
    redis_url: str | None = None
    public_base_url: str | None = None

    twilio_auth_token: SecretStr | None = None
    twilio_account_sid: str | None = None
    # Where outbound SMS (late answers) go; tests point it at a loopback fake.
    twilio_api_url: str | None = None
    # How long the SMS webhook waits for an answer before replying "working on it" and texting it later.
    sms_reply_within: float = Field(default=8.0, gt=0, le=12)

    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    admin_token: SecretStr | None = None
    # /metrics: only with this token (bearer) when set, else only to this machine; per-diner series opt-in.
    metrics_token: SecretStr | None = None
    metrics_per_diner: bool = False

    cloudflare_ai_gateway_url: str | None = None
    cloudflare_ai_gateway_token: SecretStr | None = None
    cloudflare_account_id: str | None = None
    cloudflare_api_token: SecretStr | None = None
    cloudflare_api_base: str = "https://api.cloudflare.com/client/v4"

    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str = DEFAULT_MODEL

    ai_rate_limit: str = "10/minute"
    ai_rate_limit_mode: Literal["reject", "queue"] = "reject"
    ai_queue_max_wait: float = Field(default=8.0, ge=0)
    ai_cache_ttl: int = Field(default=300, ge=0)
    ai_cache_scope: Literal["tenant", "shared"] = "tenant"
    # Upstream timeouts (seconds): to connect, between bytes (so also a stalled stream), and for a whole
    # call including queueing and fallbacks. Twilio allows 15 s in all; the SMS path adds its own deadline.
    ai_connect_timeout: float = Field(default=2.0, gt=0)
    ai_read_timeout: float = Field(default=8.0, gt=0)
    ai_total_timeout: float = Field(default=12.0, gt=0)
    # Spend caps per diner (USD, unset = none); a diner's `ai:` block in the tenant file overrides them.
    ai_daily_budget_usd: float | None = Field(default=None, gt=0)
    ai_monthly_budget_usd: float | None = Field(default=None, gt=0)
    # Budget alerts (80 % / 100 %) are POSTed here as JSON (Slack incoming-webhook compatible). A secret:
    # Slack's webhook URLs carry their credential in the path.
    alert_webhook_url: SecretStr | None = None

    # Dependencies with deadlines (docs/availability.md): each Redis call's connect/read timeout and how
    # long Redis is skipped after a failure; the database's connect, statement and pool-wait limits.
    redis_timeout: float = Field(default=0.25, gt=0, le=5)
    redis_skip_for: float = Field(default=5.0, gt=0)
    db_connect_timeout: int = Field(default=3, ge=1)
    db_statement_timeout_ms: int = Field(default=5000, ge=0)
    db_pool_timeout: float = Field(default=3.0, gt=0)

    # Model work off the request path (docs/availability.md): threads per process, how many texts one
    # process takes on (all diners / one diner), the lease a worker holds on a text, how often the inbox
    # and outbox are polled, how long an answer's delivery is retried; web chat's concurrency caps.
    ai_workers: int = Field(default=4, ge=1, le=64)
    ai_inline_wait: float = Field(default=0.0, ge=0, le=2)  # >0: a quick model answer goes in the webhook reply
    ai_backlog: int = Field(default=64, ge=1)
    ai_backlog_per_diner: int = Field(default=16, ge=1)
    work_lease_seconds: float = Field(default=30.0, gt=0)
    work_poll_seconds: float = Field(default=1.0, gt=0)
    delivery_deadline_seconds: float = Field(default=600.0, gt=0)
    chat_concurrency_total: int = Field(default=3, ge=1)
    chat_concurrency_per_diner: int = Field(default=2, ge=1)

    # Retention (docs/operations.md, "Retention"): what `diner-agent prune` and the daily prune delete.
    prune_messages_after_days: int = Field(default=30, ge=3)  # longer than any channel's retry window
    prune_ai_calls_after_days: int = Field(default=400, ge=1)
    prune_audit_after_days: int | None = Field(default=None, ge=1)  # kept unless the operator sets a limit
    prune_daily: bool = True

    # Not in the contract, but useful to operators; all have safe defaults.
    tenants_file: Path | None = None
    log_level: str = "INFO"
    # text: one readable line per record; json: one JSON object per line with the diner, channel, message
    # id and request id of the message it is about (diner_agent/log_context.py).
    log_format: Literal["text", "json"] = "text"
    trust_proxy: bool = False  # apply ProxyFix (one proxy) when behind a TLS-terminating load balancer
    # Host names this server answers to (comma-separated). With TRUST_PROXY, X-Forwarded-Host is believed
    # only when this is set, and any other Host is refused with a 400.
    trusted_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    web_concurrency: int = Field(default=1, ge=1)
    port: int = Field(default=8791, ge=1, le=65535)

    @field_validator(
        "redis_url",
        "public_base_url",
        "twilio_account_sid",
        "twilio_api_url",
        "cloudflare_ai_gateway_url",
        "cloudflare_account_id",
        "llm_base_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        """Treat `KEY=` in a .env file as not configured rather than as an empty URL."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("trusted_hosts", mode="before")
    @classmethod
    def _host_list(cls, value: object) -> object:
        """TRUSTED_HOSTS=menu.example.com,.example.org: a comma-separated list in the environment."""
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @field_validator(
        "twilio_auth_token",
        "slack_signing_secret",
        "slack_bot_token",
        "admin_token",
        "metrics_token",
        "cloudflare_ai_gateway_token",
        "cloudflare_api_token",
        "llm_api_key",
        "alert_webhook_url",
        mode="before",
    )
    @classmethod
    def _blank_secret_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("ai_daily_budget_usd", "ai_monthly_budget_usd", mode="before")
    @classmethod
    def _blank_budget_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def gateway_url_warning(self) -> str | None:
        """A start-up warning when CLOUDFLARE_AI_GATEWAY_URL has the integration guide's wrong form."""
        url = self.cloudflare_ai_gateway_url
        if url and _WRONG_GATEWAY_HOST.match(url):
            return (
                f"CLOUDFLARE_AI_GATEWAY_URL={url!r} uses api.ai.cloudflare.com, which Cloudflare does not "
                f"serve. Use {_GATEWAY_URL_FORM} (the client adds /compat/chat/completions)."
            )
        return None

    def shared_state_warning(self, workers: int | None = None) -> str | None:
        """Loud words when several workers would each keep their own limits and cache."""
        workers = workers or self.web_concurrency
        if workers > 1 and not self.redis_url:
            return (
                f"{workers} workers and no REDIS_URL: the AI rate limit, the AI response cache, request "
                f"coalescing and the Slack retry check are PER PROCESS, so a diner may get up to {workers} x "
                f"AI_RATE_LIMIT model calls. Set REDIS_URL to share them across workers and machines."
            )
        return None

    def feature_report(self) -> list[str]:
        """One line per feature that is switched off for lack of settings (logged at start-up)."""
        lines = []
        if self.twilio_auth_token is None:
            lines.append("SMS webhook disabled: TWILIO_AUTH_TOKEN is not set, so every /sms request is refused.")
        if self.slack_signing_secret is None:
            lines.append("Slack disabled: SLACK_SIGNING_SECRET is not set, so /slack/events answers 503.")
        if self.admin_token is None:
            lines.append("Admin dashboard disabled: ADMIN_TOKEN is not set.")
        if not (self.cloudflare_ai_gateway_url or self.cloudflare_account_id or self.llm_base_url):
            lines.append(
                "LLM disabled: none of CLOUDFLARE_AI_GATEWAY_URL, CLOUDFLARE_ACCOUNT_ID or LLM_BASE_URL is set; "
                "only the command grammar reads texts."
            )
        if self.public_base_url is None:
            lines.append(
                "SMS webhook refuses every request: PUBLIC_BASE_URL is not set, and Twilio signatures are "
                "checked only against PUBLIC_BASE_URL + /sms (never a Host header a request chose)."
            )
        return lines

    def proxy_warning(self) -> str | None:
        """TRUST_PROXY without TRUSTED_HOSTS: forwarded hosts are ignored, and that is said at start-up."""
        if self.trust_proxy and not self.trusted_hosts:
            return (
                "TRUST_PROXY is set but TRUSTED_HOSTS is not: X-Forwarded-Host is ignored (only the scheme and "
                "client address are taken from the proxy). Set TRUSTED_HOSTS to the public host names."
            )
        return None


def secret_value(value: SecretStr | str | None) -> str | None:
    """The plain text of a secret setting, for the SDKs that take strings (a test may hand in a str);
    None when unset or blank."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if not value or not value.strip():
        return None
    return value.strip()


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment and dotenv files, with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
