"""Per-call metrics: one CallRecord per complete()/stream() call, plus Prometheus series.

The record is what the admin dashboard and the daily JSONL export (`ai-metrics/{date}/{tenant}.jsonl`)
are built from; a MetricsSink receives it. Prometheus metrics are registered on an explicit
CollectorRegistry, once per registry, so many gateways in one process (tests, reloads) share them.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Protocol

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram


@dataclass(frozen=True)
class CallRecord:
    """What one call through the gateway did and cost.

    status: "ok" | "rate_limited" | "over_budget" (refused before any call: the diner's budget is spent)
    | "unavailable" | "not_configured" | "error" (a broken stream or unusable answer) | "cancelled"
    (the caller stopped reading a stream). `fallback_step` is how many
    providers were tried before the one that answered (0 = the first one tried).
    """

    at: datetime
    tenant: str
    provider: str | None
    model: str | None
    cache_hit: bool
    coalesced: bool
    rate_limited: bool
    streamed: bool
    status: str
    fallback_step: int
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cost_estimated: bool
    log_id: str | None
    error: str | None
    retried: bool = False  # the provider was asked again after a short "retry after"

    def to_dict(self) -> dict:
        """A JSON-ready dict (ISO timestamp), one JSONL line of the daily export."""
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


class MetricsSink(Protocol):
    def record(self, rec: CallRecord) -> None: ...


class MemorySink:
    """Keeps every record in a list; for tests and benchmarks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[CallRecord] = []

    def record(self, rec: CallRecord) -> None:
        with self._lock:
            self._records.append(rec)

    @property
    def records(self) -> list[CallRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


class PrometheusMetrics:
    """The gateway's Prometheus series on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "diner_ai_requests",
            "Calls through the AI gateway.",
            ["tenant", "provider", "status"],
            registry=registry,
        )
        self.cache_hits = Counter(
            "diner_ai_cache_hits", "Calls answered from the response cache.", ["tenant"], registry=registry
        )
        self.coalesced = Counter(
            "diner_ai_coalesced",
            "Calls that shared an identical in-flight call.",
            ["tenant"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "diner_ai_rate_limited", "Calls refused by a rate limit.", ["tenant", "scope"], registry=registry
        )
        self.upstream_latency = Histogram(
            "diner_ai_upstream_latency_seconds",
            "Time of each upstream attempt.",
            ["provider", "outcome"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16),
            registry=registry,
        )
        self.cost = Counter(
            "diner_ai_cost_usd", "Cost of upstream calls in USD.", ["tenant", "provider"], registry=registry
        )
        self.tokens = Counter("diner_ai_tokens", "Tokens used.", ["tenant", "provider", "kind"], registry=registry)

    def observe_call(self, rec: CallRecord) -> None:
        provider = rec.provider or "none"
        self.requests.labels(rec.tenant, provider, rec.status).inc()
        if rec.cache_hit:
            self.cache_hits.labels(rec.tenant).inc()
        if rec.coalesced:
            self.coalesced.labels(rec.tenant).inc()
        if rec.rate_limited:
            self.rate_limited.labels(rec.tenant, "tenant" if rec.provider is None else "upstream").inc()
        if rec.cost_usd:
            self.cost.labels(rec.tenant, provider).inc(rec.cost_usd)
        if rec.prompt_tokens or rec.completion_tokens:
            self.tokens.labels(rec.tenant, provider, "prompt").inc(rec.prompt_tokens)
            self.tokens.labels(rec.tenant, provider, "completion").inc(rec.completion_tokens)

    def observe_upstream(self, provider: str, seconds: float, outcome: str) -> None:
        self.upstream_latency.labels(provider, outcome).observe(seconds)


_by_registry: weakref.WeakKeyDictionary[CollectorRegistry, PrometheusMetrics] = weakref.WeakKeyDictionary()
_by_registry_lock = threading.Lock()


def prometheus_metrics(registry: CollectorRegistry | None = None) -> PrometheusMetrics:
    """The gateway's metrics on `registry` (default: the global one), created on first use only.

    prometheus_client refuses to register a name twice on one registry, and tests build many
    gateways, so the series are shared per registry.
    """
    registry = registry if registry is not None else REGISTRY
    with _by_registry_lock:
        metrics = _by_registry.get(registry)
        if metrics is None:
            metrics = _by_registry[registry] = PrometheusMetrics(registry)
        return metrics
