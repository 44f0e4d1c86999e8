"""The admin dashboard's aggregation of AI usage rows: per diner and in total, what the calls did and cost,
and calls per hour (or day) for the chart."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage.rows import calls

MAX_REPORT_DAYS = 93
HOURLY_UP_TO_DAYS = 3  # longer ranges are charted per day: 24 bars a day stop being readable
_FAILED = frozenset({"error", "unavailable", "not_configured"})
_COUNTED = (
    "requests", "upstream_calls", "cache_hits", "coalesced", "rate_limited", "over_budget", "retried", "fallbacks",
    "errors", "prompt_tokens", "completion_tokens",
)  # fmt: skip


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (an observed value, never an interpolation); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class UsageSummary:
    """What a set of gateway calls did and cost. Latency percentiles are over answered calls (status ok):
    refusals take no time and would drag the median down to nothing."""

    requests: int = 0
    upstream_calls: int = 0  # calls that had to go to a provider (not a cache hit, a follower or our refusal)
    cache_hits: int = 0
    coalesced: int = 0
    rate_limited: int = 0
    over_budget: int = 0  # refused before any call: the diner's AI budget was spent
    retried: int = 0  # the provider was asked again after a short "retry after"
    fallbacks: int = 0  # answered by a provider later in the fallback chain
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cost_estimated: bool = False
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None

    @property
    def cache_hit_rate(self) -> float | None:
        return self.cache_hits / self.requests if self.requests else None

    def to_dict(self) -> dict:
        return {
            "requests": self.requests,
            "upstream_calls": self.upstream_calls,
            "cache_hits": self.cache_hits,
            "cache_hit_rate": None if self.cache_hit_rate is None else round(self.cache_hit_rate, 4),
            "coalesced": self.coalesced,
            "rate_limited": self.rate_limited,
            "over_budget": self.over_budget,
            "retried": self.retried,
            "fallbacks": self.fallbacks,
            "errors": self.errors,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "cost_estimated": self.cost_estimated,
            "latency_ms": {"p50": _ms(self.latency_p50_ms), "p95": _ms(self.latency_p95_ms)},
        }


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class _Tally:
    counts: Counter = field(default_factory=Counter)
    cost_usd: float = 0.0
    cost_estimated: bool = False
    latencies: list[float] = field(default_factory=list)

    def add(self, row: dict) -> None:
        c = self.counts
        c["requests"] += 1
        free = row["cache_hit"] or row["coalesced"]
        refused_by_us = (row["rate_limited"] and row["provider"] is None) or row["status"] == "over_budget"
        if not free and not refused_by_us and row["status"] != "not_configured":
            c["upstream_calls"] += 1
        c["cache_hits"] += bool(row["cache_hit"])
        c["coalesced"] += bool(row["coalesced"])
        c["rate_limited"] += bool(row["rate_limited"])
        c["over_budget"] += row["status"] == "over_budget"
        c["retried"] += bool(row.get("retried"))
        c["fallbacks"] += (row["fallback_step"] or 0) > 0
        c["errors"] += row["status"] in _FAILED
        c["prompt_tokens"] += row["prompt_tokens"] or 0
        c["completion_tokens"] += row["completion_tokens"] or 0
        self.cost_usd += row["cost_usd"] or 0.0
        self.cost_estimated = self.cost_estimated or bool(row["cost_estimated"])
        if row["status"] == "ok":
            self.latencies.append(row["latency_ms"] or 0.0)

    def summary(self) -> UsageSummary:
        return UsageSummary(
            **{name: self.counts[name] for name in _COUNTED},
            cost_usd=self.cost_usd,
            cost_estimated=self.cost_estimated,
            latency_p50_ms=percentile(self.latencies, 50),
            latency_p95_ms=percentile(self.latencies, 95),
        )


@dataclass(frozen=True)
class UsageBucket:
    """Calls in one hour (or day) of the chart: served from the cache, refused by a rate limit or a budget
    (no model was asked), and the misses (upstream calls, answered or failed)."""

    start: datetime
    hits: int
    misses: int
    refused: int = 0


@dataclass(frozen=True)
class UsageReport:
    first: date
    last: date
    tenants: dict[str, UsageSummary]
    totals: UsageSummary
    bucket: str  # "hour" | "day"
    buckets: tuple[UsageBucket, ...]

    def to_dict(self) -> dict:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "timezone": "UTC",
            "tenants": [{"tenant": name, **s.to_dict()} for name, s in self.tenants.items()],
            "totals": self.totals.to_dict(),
            "bucket": self.bucket,
            "buckets": [
                {"start": b.start.isoformat(), "hits": b.hits, "misses": b.misses, "refused": b.refused}
                for b in self.buckets
            ],
        }


def usage_report(store: MenuStore, first: date, last: date) -> UsageReport:
    """Per-tenant and total usage for UTC days first..last, and calls per hour (or day) for the chart.

    Percentiles are computed here from the rows rather than in SQL: a diner deployment makes thousands of
    calls a day, not millions, and this stays the same on SQLite and Postgres."""
    if last < first:
        raise ValueError("The last day comes before the first.")
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        raise ValueError(f"A report covers at most {MAX_REPORT_DAYS} days.")
    hourly = (last - first).days + 1 <= HOURLY_UP_TO_DAYS
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    slots = int((last - first + timedelta(days=1)) / step)
    hits, misses, refused = [0] * slots, [0] * slots, [0] * slots
    totals, tenants = _Tally(), defaultdict(_Tally)
    for row in calls(store, first, last):
        totals.add(row)
        tenants[row["tenant"]].add(row)
        at = datetime.fromisoformat(row["at"])
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        slot = min(slots - 1, max(0, int((at - start) / step)))
        if row["cache_hit"]:
            hits[slot] += 1
        elif row["status"] in ("rate_limited", "over_budget"):
            refused[slot] += 1
        else:
            misses[slot] += 1
    buckets = tuple(UsageBucket(start + i * step, hits[i], misses[i], refused[i]) for i in range(slots))
    return UsageReport(
        first,
        last,
        {name: tenants[name].summary() for name in sorted(tenants)},
        totals.summary(),
        "hour" if hourly else "day",
        buckets,
    )
