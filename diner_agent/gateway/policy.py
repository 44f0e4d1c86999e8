"""Per-diner AI policy: the deployment's settings are the defaults, a diner's `ai:` block overrides them.

A diner on a bigger plan gets a higher rate limit, a longer cache, or a budget of its own; the gateway
resolves one `Effective` policy per call from the diner's `TenantPolicy` and its own GatewayConfig.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import GatewayConfig


@dataclass(frozen=True, slots=True)
class TenantPolicy:
    """What a diner's `ai:` block may set; None keeps the deployment's default. `timezone` decides
    where the diner's budget day and month begin and end."""

    rate_limit: str | None = None
    cache_ttl: int | None = None
    daily_budget_usd: float | None = None
    monthly_budget_usd: float | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Effective:
    """The policy one call runs under."""

    rate_limit: str
    cache_ttl: int
    daily_budget_usd: float | None
    monthly_budget_usd: float | None
    timezone: str

    @property
    def has_budget(self) -> bool:
        return self.daily_budget_usd is not None or self.monthly_budget_usd is not None


def effective(config: GatewayConfig, policy: TenantPolicy | None) -> Effective:
    policy = policy or _DEFAULT
    return Effective(
        rate_limit=policy.rate_limit or config.rate_limit,
        cache_ttl=config.cache_ttl if policy.cache_ttl is None else policy.cache_ttl,
        daily_budget_usd=config.daily_budget_usd if policy.daily_budget_usd is None else policy.daily_budget_usd,
        monthly_budget_usd=(
            config.monthly_budget_usd if policy.monthly_budget_usd is None else policy.monthly_budget_usd
        ),
        timezone=policy.timezone,
    )


_DEFAULT = TenantPolicy()
