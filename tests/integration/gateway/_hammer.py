"""Worker for the cross-process rate-limit test (kept tiny so spawned processes start fast)."""

from __future__ import annotations

from diner_agent.gateway import AIGateway, GatewayConfig, RateLimited


def hammer(gateway_url, gateway_token, api_token, redis_url, prefix, start, worker: int) -> None:
    """Send 10 distinct requests for one tenant through a gateway sharing state over Redis."""
    config = GatewayConfig(
        gateway_url=gateway_url,
        gateway_token=gateway_token,
        api_token=api_token,
        rate_limit="10/minute",
        redis_url=redis_url,
        redis_prefix=prefix,
    )
    with AIGateway(config) as gateway:
        start.wait(10)
        for n in range(10):
            try:
                gateway.complete("blue-plate", [{"role": "user", "content": f"worker {worker} question {n}"}])
            except RateLimited:
                pass
