"""Per-diner budgets: reserved before the call, settled after, exact under concurrency (in memory and in
Redis), alerts once per threshold and period, the period in the diner's own time zone."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from diner_agent.gateway import BudgetExceeded, TenantPolicy
from diner_agent.gateway.budget import Budgets
from diner_agent.gateway.policy import Effective
from diner_agent.gateway.pricing import cost_of, estimate_prompt_tokens
from tests.fakes.clock import FakeClock
from tests.fakes.cloudflare import GATEWAY, Reply
from tests.integration.gateway.conftest import MESSAGES
from tests.integration.gateway.test_coalescing import together
from tests.services import redis_url

MODEL = "@cf/meta/llama-3.1-8b-instruct-fast"
MAX_TOKENS = 40


def asking(n: int) -> list[dict]:
    """Distinct questions of one length (so of one estimated cost), which do not coalesce."""
    return [{"role": "user", "content": f"86 the meatl{n:03d}"}]


def per_call() -> float:
    """One call's cost when the upstream sends no usage and a text of exactly MAX_TOKENS (estimated) tokens:
    then its worst case (what is reserved) and its real cost (what is settled) are the same."""
    return float(cost_of(MODEL, estimate_prompt_tokens(asking(0)), MAX_TOKENS).usd)


def exact_reply() -> Reply:
    return Reply("x" * (4 * MAX_TOKENS), usage=None)


def test_concurrent_calls_never_pass_the_budget_and_use_all_of_it(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(exact_reply())
    gateway, sink = make_gateway(GATEWAY)
    policy = TenantPolicy(daily_budget_usd=per_call() * 7.5)  # room for exactly 7 calls
    numbers = iter(range(24))
    results = together(
        24, lambda: gateway.complete("blue-plate", asking(next(numbers)), max_tokens=MAX_TOKENS, policy=policy)
    )

    assert sum(1 for r in results if not isinstance(r, Exception)) == 7
    assert all(isinstance(r, BudgetExceeded) for r in results if isinstance(r, Exception))
    assert len(fake_cloudflare.requests) == 7  # refused calls never reached the provider
    spent = sum(r.cost_usd for r in sink.records)
    assert spent <= policy.daily_budget_usd
    assert sum(1 for r in sink.records if r.status == "over_budget") == 17


def test_a_cheap_answer_frees_its_reservation_for_the_next_call(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("ok", usage=None))  # far cheaper than the worst case
    gateway, _ = make_gateway(GATEWAY)
    policy = TenantPolicy(daily_budget_usd=per_call() * 2.5)
    for n in range(5):
        gateway.complete("blue-plate", [{"role": "user", "content": f"q{n}"}], max_tokens=MAX_TOKENS, policy=policy)
    assert len(fake_cloudflare.requests) == 5


def test_cache_hits_cost_no_budget_and_other_diners_have_their_own(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(exact_reply())
    gateway, _ = make_gateway(GATEWAY)
    policy = TenantPolicy(daily_budget_usd=per_call() * 1.5)
    for _ in range(3):
        gateway.complete("blue-plate", MESSAGES, max_tokens=MAX_TOKENS, policy=policy)  # one miss, two hits
    gateway.complete("demo-diner", MESSAGES, max_tokens=MAX_TOKENS, policy=policy)
    with pytest.raises(BudgetExceeded) as refused:
        gateway.complete("blue-plate", MESSAGES, max_tokens=MAX_TOKENS, policy=policy, use_cache=False)
    assert refused.value.period == "day"
    assert len(fake_cloudflare.requests) == 2


def test_the_budget_day_is_the_diners_and_a_monthly_budget_holds_across_days(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(exact_reply())
    # 23:30 in New York on Nov 26 is 04:30 UTC on Nov 27: the diner's day ends in 30 minutes.
    clock = FakeClock(datetime(2026, 11, 27, 4, 30, tzinfo=UTC))
    gateway, _ = make_gateway(GATEWAY, clock=clock)
    policy = TenantPolicy(
        daily_budget_usd=per_call() * 1.5, monthly_budget_usd=per_call() * 2.5, timezone="America/New_York"
    )
    numbers = iter(range(10))
    call = lambda: gateway.complete(  # noqa: E731
        "blue-plate", asking(next(numbers)), max_tokens=MAX_TOKENS, policy=policy
    )
    call()
    with pytest.raises(BudgetExceeded) as today:
        call()
    assert today.value.period == "day" and today.value.retry_after == pytest.approx(1800, abs=1)
    clock.advance(minutes=31)  # a new day in New York
    call()
    clock.advance(days=1)
    with pytest.raises(BudgetExceeded) as month:
        call()
    assert month.value.period == "month"


def test_alerts_fire_once_at_80_and_at_100_percent(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(exact_reply())
    kept = []
    gateway, _ = make_gateway(GATEWAY, keep_alert=kept.append)
    policy = TenantPolicy(daily_budget_usd=per_call() * 4.9)  # 80 % after 4 calls; the 5th is refused
    for n in range(7):
        try:
            gateway.complete("blue-plate", asking(n), max_tokens=MAX_TOKENS, policy=policy)
        except BudgetExceeded:
            pass
    gateway.alerts.flush()
    assert [(a.tenant, a.period, a.threshold) for a in kept] == [("blue-plate", "day", 80), ("blue-plate", "day", 100)]
    assert kept[0].spent_usd == pytest.approx(per_call() * 4, abs=1e-8)
    assert kept[0].budget_usd == pytest.approx(per_call() * 4.9, abs=1e-8)


def _budgets(backend: str, prefix: str | None) -> Budgets:
    if backend == "redis":
        import redis

        return Budgets(redis.Redis.from_url(redis_url()), prefix)
    return Budgets(None, "mem")


def test_the_store_is_exact_under_threads(backend, redis_prefix):
    """Reserve-and-settle straight on the store: 60 threads, a budget for 25 reservations of 1 micro-dollar."""
    budgets = _budgets(backend, redis_prefix)
    policy = Effective("10/minute", 300, 25e-6, None, "UTC")
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    taken, lock = [], threading.Lock()

    def one():
        try:
            hold = budgets.reserve("t", policy, 1e-6, now)
        except BudgetExceeded:
            return
        budgets.settle(hold, 1e-6)
        with lock:
            taken.append(hold)

    threads = [threading.Thread(target=one) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(taken) == 25
    assert budgets.spent("t", policy, now) == (pytest.approx(25e-6), pytest.approx(25e-6))


def test_the_wait_until_tomorrow_counts_real_seconds_across_a_dst_change():
    from diner_agent.gateway.budget import _until_next

    # 2027-03-13 23:00 in New York; the clocks spring forward at 02:00 on the 14th, but midnight comes first.
    local = datetime(2027, 3, 14, 4, 0, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    assert _until_next(local, "day") == 3600
    # 2027-11-06 23:30: the night of the 7th has 25 hours, but the day ends at midnight, in 30 minutes.
    late = datetime(2027, 11, 7, 3, 30, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    assert _until_next(late, "day") == 1800
    # 2027-03-13 12:00 -> midnight is 12 real hours away; 2027-03-14 00:30 -> the 14th has 23 hours.
    short = datetime(2027, 3, 14, 5, 30, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    assert _until_next(short, "day") == 22.5 * 3600
