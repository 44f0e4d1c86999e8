"""GatewayConfig: everything the gateway needs, as plain values.

The app builds it from its Settings; the gateway never reads environment variables itself, so tests
and benchmarks construct exactly the configuration they mean.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import limits

RateLimitMode = Literal["reject", "queue"]
CacheScope = Literal["tenant", "shared"]

DEFAULT_MODEL = "@cf/meta/llama-3.1-8b-instruct-fast"


@dataclass(frozen=True)
class GatewayConfig:
    """Providers, per-tenant policy and timeouts for one AIGateway.

    Providers are tried in this order, skipping the unconfigured ones:
    Cloudflare AI Gateway (`gateway_url`), Workers AI direct (`account_id` + `api_token`), then any
    OpenAI-compatible server (`openai_base_url`).

    Timeouts: `connect_timeout` per connection, `first_byte_timeout` per read (so it is also the stall
    limit between stream chunks), `total_timeout` for a whole complete() call including queueing and
    fallbacks (for stream(): until its first text). A caller's `deadline` can only shorten these.
    """

    gateway_url: str | None = None
    gateway_token: str | None = dataclasses.field(default=None, repr=False)
    account_id: str | None = None
    api_token: str | None = dataclasses.field(default=None, repr=False)
    api_base: str = "https://api.cloudflare.com/client/v4"
    openai_base_url: str | None = None
    openai_api_key: str | None = dataclasses.field(default=None, repr=False)
    model: str = DEFAULT_MODEL
    # Model name for the OpenAI-compatible server (Ollama knows "llama3.1:8b", not "@cf/...").
    openai_model: str | None = None
    rate_limit: str = "10/minute"
    rate_limit_mode: RateLimitMode = "reject"
    queue_max_wait: float = 8.0
    cache_ttl: int = 300
    cache_scope: CacheScope = "tenant"
    redis_url: str | None = None
    # Every Redis key the gateway writes starts with this, so deployments (and tests) can share a server.
    redis_prefix: str = "diner-agent:ai"
    # Each Redis call's connect/read deadline, and how long Redis is skipped after a failure (redis_guard).
    redis_timeout: float = 0.25
    redis_skip_for: float = 5.0
    connect_timeout: float = 2.0
    first_byte_timeout: float = 8.0
    total_timeout: float = 12.0
    breaker_failures: int = 3
    breaker_reset: float = 30.0
    cache_max_entries: int = 10_000
    # Spend caps per diner and period (USD); None = no cap. A diner's `ai:` block overrides them.
    daily_budget_usd: float | None = None
    monthly_budget_usd: float | None = None
    # Budget alerts go to this webhook (JSON, Slack incoming-webhook compatible) when set.
    alert_webhook_url: str | None = None

    def __post_init__(self) -> None:
        if self.rate_limit_mode not in ("reject", "queue"):
            raise ValueError(f"rate_limit_mode must be 'reject' or 'queue', not {self.rate_limit_mode!r}.")
        if self.cache_scope not in ("tenant", "shared"):
            raise ValueError(f"cache_scope must be 'tenant' or 'shared', not {self.cache_scope!r}.")
        try:
            limits.parse(self.rate_limit)
        except ValueError as exc:
            raise ValueError(f"rate_limit {self.rate_limit!r} is not in `limits` syntax (e.g. '10/minute').") from exc
        if self.cache_ttl < 0 or self.queue_max_wait < 0 or self.breaker_failures < 1:
            raise ValueError("cache_ttl and queue_max_wait must be >= 0 and breaker_failures >= 1.")
        for name in ("connect_timeout", "first_byte_timeout", "total_timeout", "breaker_reset"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be a positive number of seconds.")
        for name in ("daily_budget_usd", "monthly_budget_usd"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be a positive number of dollars (or unset).")
        if self.gateway_url:
            object.__setattr__(self, "gateway_url", normalise_gateway_url(self.gateway_url))

    @property
    def gateway_configured(self) -> bool:
        return bool(self.gateway_url)

    @property
    def workers_ai_configured(self) -> bool:
        return bool(self.account_id and self.api_token)

    @property
    def openai_configured(self) -> bool:
        return bool(self.openai_base_url)

    def secrets(self) -> tuple[str, ...]:
        """The credentials, so error texts can be scrubbed of them."""
        return tuple(s for s in (self.gateway_token, self.api_token, self.openai_api_key) if s)


def normalise_gateway_url(url: str) -> str:
    """Strip a trailing slash and a pasted `/compat[/chat/completions]` so the base URL is canonical."""
    url = url.strip().rstrip("/")
    for suffix in ("/compat/chat/completions", "/compat"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return url
