"""usage_report aggregates `ai_calls` rows per diner and per hour, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from diner_agent.menu.usage.report import usage_report
from diner_agent.menu.usage.rows import record_call

DAY = date(2026, 11, 26)
NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def row(tenant="blue-plate", at=NOON, **overrides) -> dict:
    base = {
        "at": at, "tenant": tenant, "provider": "ai-gateway", "model": "@cf/meta/llama-3.1-8b-instruct-fast",
        "cache_hit": False, "coalesced": False, "rate_limited": False, "streamed": False, "status": "ok",
        "fallback_step": 0, "latency_ms": 100.0, "prompt_tokens": 10, "completion_tokens": 5, "cost_usd": 0.001,
        "cost_estimated": False, "log_id": None, "error": None,
    }  # fmt: skip
    return {**base, **overrides}


def record(store, *rows: dict) -> None:
    for r in rows:
        record_call(store, r)


def test_each_kind_of_call_is_counted_where_it_belongs(store):
    record(
        store,
        row(latency_ms=100),
        row(latency_ms=300, fallback_step=1, provider="workers-ai", cost_estimated=True),
        row(cache_hit=True, latency_ms=2, prompt_tokens=0, completion_tokens=0, cost_usd=0),
        row(coalesced=True, latency_ms=150, prompt_tokens=0, completion_tokens=0, cost_usd=0),
        row(status="rate_limited", rate_limited=True, provider=None, latency_ms=0, cost_usd=0, prompt_tokens=0,
            completion_tokens=0),
        row(status="rate_limited", rate_limited=True, provider="ai-gateway", latency_ms=40, cost_usd=0,
            prompt_tokens=0, completion_tokens=0),  # a 429 from upstream: it did go there
        row(status="unavailable", provider=None, latency_ms=900, cost_usd=0, prompt_tokens=0, completion_tokens=0),
        row(status="cancelled", latency_ms=50),
        row("demo-diner", at=NOON + timedelta(hours=3), cost_usd=0.5),
    )  # fmt: skip
    report = usage_report(store, DAY, DAY)
    blue = report.tenants["blue-plate"]
    assert (blue.requests, blue.upstream_calls, blue.cache_hits, blue.coalesced) == (8, 5, 1, 1)
    assert (blue.rate_limited, blue.fallbacks, blue.errors) == (2, 1, 1)
    assert (blue.prompt_tokens, blue.completion_tokens) == (30, 15)
    assert blue.cost_usd == pytest.approx(0.003) and blue.cost_estimated
    assert blue.cache_hit_rate == pytest.approx(1 / 8)
    assert (blue.latency_p50_ms, blue.latency_p95_ms) == (100, 300)  # over the four answered calls
    assert report.totals.requests == 9 and report.totals.cost_usd == pytest.approx(0.503)
    assert list(report.tenants) == ["blue-plate", "demo-diner"]
    hits = {b.start.hour: (b.hits, b.misses, b.refused) for b in report.buckets if b.hits or b.misses}
    assert hits == {12: (1, 5, 2), 15: (0, 1, 0)}  # the two rate-limited calls are refusals, not misses


def test_only_the_asked_days_are_reported(store):
    record(store, row(at=NOON - timedelta(days=1)), row(), row(at=NOON + timedelta(days=1)))
    assert usage_report(store, DAY, DAY).totals.requests == 1
    three = usage_report(store, DAY - timedelta(days=1), DAY + timedelta(days=1))
    assert three.totals.requests == 3 and three.bucket == "hour" and len(three.buckets) == 72
    week = usage_report(store, DAY - timedelta(days=6), DAY)
    assert week.bucket == "day" and [b.misses for b in week.buckets][-2:] == [1, 1]


def test_an_empty_range_reports_zeros(store):
    report = usage_report(store, DAY, DAY)
    assert report.tenants == {} and report.totals.requests == 0 and report.totals.cache_hit_rate is None
    assert report.to_dict()["totals"]["latency_ms"] == {"p50": None, "p95": None}


def test_too_long_or_backwards_ranges_are_refused(store):
    with pytest.raises(ValueError, match="at most 93 days"):
        usage_report(store, DAY, DAY + timedelta(days=93))
    with pytest.raises(ValueError, match="before"):
        usage_report(store, DAY, DAY - timedelta(days=1))


def test_a_range_across_the_new_year_buckets_each_call_in_its_own_utc_hour(store):
    before = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    after = datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    record(store, row(at=before), row(at=after, cache_hit=True), row(at=datetime(2027, 1, 2, 0, 1, tzinfo=UTC)))
    report = usage_report(store, date(2026, 12, 31), date(2027, 1, 1))
    assert report.totals.requests == 2  # the call on Jan 2 is outside the range
    assert len(report.buckets) == 48
    assert (report.buckets[23].misses, report.buckets[24].hits) == (1, 1)
    assert report.buckets[24].start == datetime(2027, 1, 1, 0, 0, tzinfo=UTC)
    assert [usage_report(store, d, d).totals.requests for d in (date(2026, 12, 31), date(2027, 1, 1))] == [1, 1]
