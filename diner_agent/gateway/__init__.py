"""AI gateway client: Cloudflare AI Gateway / Workers AI / any OpenAI-compatible server, with per-tenant
rate limits, a tenant-scoped response cache, single-flight coalescing, a circuit breaker per provider,
and a metrics record (with cost) for every call.

    gw = AIGateway(GatewayConfig(gateway_url=..., api_token=...), metrics_sink=MemorySink())
    answer = gw.complete("blue-plate", [{"role": "user", "content": "86 the meatloaf"}])

Nothing here reads the environment or opens connections at import time.
"""

from .alerts import AlertDispatcher
from .answer import Answer
from .budget import BudgetAlert, BudgetExceeded
from .client import AIGateway
from .completion import Completion, StreamEvent
from .config import GatewayConfig
from .errors import BadResponse, GatewayError, NotConfigured, RateLimited, Unavailable
from .metrics import CallRecord, MemorySink, MetricsSink
from .policy import TenantPolicy
from .pricing import Cost, cost_of
from .rate_limit import RateInfo

__all__ = [
    "AIGateway",
    "AlertDispatcher",
    "Answer",
    "BadResponse",
    "BudgetAlert",
    "BudgetExceeded",
    "CallRecord",
    "Completion",
    "Cost",
    "GatewayConfig",
    "GatewayError",
    "MemorySink",
    "MetricsSink",
    "NotConfigured",
    "RateInfo",
    "RateLimited",
    "StreamEvent",
    "TenantPolicy",
    "Unavailable",
    "cost_of",
]
