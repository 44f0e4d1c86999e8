"""What can go wrong when asking for a completion.

    GatewayError                 base of everything the gateway raises on purpose
     +-- RateLimited             our per-tenant limit, or an upstream 429 (scope says which)
     +-- Unavailable             no provider could answer; `reasons` says why for each one tried
     |    +-- NotConfigured      no provider is configured at all
     +-- BudgetExceeded          the diner's daily or monthly AI budget is spent (budget.py)
     +-- BadResponse             an upstream answered with something unusable, or a stream broke
                                 after text had already reached the caller (it cannot be retried)

Messages are short sentences meant for logs and metrics rows; they never contain credentials.
"""

from __future__ import annotations

from typing import Literal

RateScope = Literal["tenant", "upstream"]


class GatewayError(Exception):
    """Base class for the gateway's own errors."""


class RateLimited(GatewayError):
    """A rate limit refused the call; retrying before `retry_after` seconds would be refused too.

    `scope` is "tenant" for our own per-tenant limit and "upstream" for a 429 from Cloudflare or the
    OpenAI-compatible server; `code` carries Cloudflare's error code (3036 daily quota, 3040 capacity).
    """

    def __init__(
        self,
        retry_after: float,
        scope: RateScope,
        code: int | None = None,
        message: str = "",
        *,
        provider: str | None = None,
        hinted: bool = False,
    ) -> None:
        self.retry_after = max(0.0, float(retry_after))
        self.scope = scope
        self.code = code
        self.provider = provider
        self.hinted = hinted  # the upstream said when (a Retry-After header), rather than our default
        self.rate = None  # our own limit's window (a RateInfo), for the x-ratelimit headers
        super().__init__(message or f"Rate limited ({scope}); retry after {self.retry_after:.1f} s.")


class Unavailable(GatewayError):
    """No provider produced an answer. `reasons` maps each provider tried (or skipped) to why."""

    def __init__(self, message: str, reasons: dict[str, str] | None = None):
        self.reasons = dict(reasons or {})
        super().__init__(message)


class NotConfigured(Unavailable):
    """No provider is configured, so the gateway cannot answer anything."""

    def __init__(self, message: str = "No AI provider is configured.") -> None:
        super().__init__(message, {})


class BadResponse(GatewayError):
    """An upstream answered, but not with something usable."""
