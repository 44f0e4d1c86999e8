"""Benchmark the AI gateway against the loopback Cloudflare fake. A script, not a test.

    .venv/bin/python bench/gateway.py [--json] [--requests 2000] [--redis-url redis://127.0.0.1:6379/0]

Figures:
- overhead: the gateway's p50/p99 minus a plain httpx POST of the same request to the same fake,
  over sequential non-streaming cache misses (calls interleaved so both see the same machine state).
  The fake runs in its own process here, as a real upstream would: sharing the GIL with it would
  charge its thread switches to whichever client happens to run Python right after a response;
- the same misses for a diner with a daily budget (reserve before, settle after): what the budget adds;
- cache-hit latency in process;
- upstream calls made for 50 identical concurrent requests (single-flight);
- cached vs uncached latency with an 800 ms upstream.
With --redis-url the overhead and cache-hit figures are measured again with state in Redis.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere as a script

import httpx  # noqa: E402
from prometheus_client import CollectorRegistry  # noqa: E402

from diner_agent.gateway import AIGateway, GatewayConfig, MemorySink, TenantPolicy  # noqa: E402
from diner_agent.gateway.metadata import metadata_header  # noqa: E402
from tests.fakes.cloudflare import FakeCloudflare, Reply  # noqa: E402

TENANT = "bench-diner"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(values_ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values_ms, 50), 4), "p99_ms": round(percentile(values_ms, 99), 4)}


class RemoteFake:
    """A FakeCloudflare in a child process, exposing the addresses the gateway needs."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve_fake, args=(child,), daemon=True)
        self._process.start()
        self.__dict__.update(self._conn.recv())

    def config_kwargs(self, *providers: str) -> dict:
        return dict(self.kwargs)

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(5)


def _serve_fake(conn) -> None:
    with FakeCloudflare() as fake:
        conn.send(
            {
                "kwargs": fake.config_kwargs("ai-gateway"),
                "gateway_url": fake.gateway_url,
                "gateway_token": fake.gateway_token,
                "api_token": fake.api_token,
            }
        )
        conn.recv()


def make_gateway(fake: FakeCloudflare, redis_url: str | None = None, **overrides) -> AIGateway:
    config = dict(fake.config_kwargs("ai-gateway"), rate_limit="1000000/minute")
    if redis_url:
        config.update(redis_url=redis_url, redis_prefix=f"bench:{uuid.uuid4().hex}")
    config.update(overrides)
    return AIGateway(GatewayConfig(**config), metrics_sink=MemorySink(), registry=CollectorRegistry())


def messages(n: int) -> list[dict]:
    return [{"role": "user", "content": f"coffee is {n / 100:.2f} now"}]


def overhead(fake: RemoteFake, n: int, redis_url: str | None, policy: TenantPolicy | None = None) -> dict:
    gateway = make_gateway(fake, redis_url)
    direct = httpx.Client()
    url = f"{fake.gateway_url}/compat/chat/completions"
    headers = {
        "cf-aig-authorization": f"Bearer {fake.gateway_token}",
        "authorization": f"Bearer {fake.api_token}",
        "cf-aig-metadata": metadata_header(TENANT),
        "cf-aig-cache-key": "0" * 64,
        "cf-aig-cache-ttl": "300",
    }
    body = {"model": "workers-ai/@cf/meta/llama-3.1-8b-instruct-fast", "max_tokens": 256, "temperature": 0.0}
    for i in range(50):  # warm up connections and code paths
        gateway.complete(TENANT, messages(-i - 1), policy=policy)
        direct.post(url, json={**body, "messages": messages(-i - 1)}, headers=headers).json()
    via_gateway, via_httpx = [], []
    for i in range(n):
        t = time.perf_counter()
        direct.post(url, json={**body, "messages": messages(i)}, headers=headers).json()
        via_httpx.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        gateway.complete(TENANT, messages(n + i), policy=policy)
        via_gateway.append((time.perf_counter() - t) * 1000)
    gateway.close()
    direct.close()
    g, d = summary(via_gateway), summary(via_httpx)
    return {
        "requests": n,
        "gateway": g,
        "direct_httpx": d,
        "overhead_p50_ms": round(g["p50_ms"] - d["p50_ms"], 4),
        "overhead_p99_ms": round(g["p99_ms"] - d["p99_ms"], 4),
        "overhead_mean_ms": round(statistics.fmean(via_gateway) - statistics.fmean(via_httpx), 4),
    }


def cache_hits(fake: RemoteFake, n: int, redis_url: str | None) -> dict:
    gateway = make_gateway(fake, redis_url)
    gateway.complete(TENANT, messages(0))
    times = []
    for _ in range(n):
        t = time.perf_counter()
        answer = gateway.complete(TENANT, messages(0))
        times.append((time.perf_counter() - t) * 1000)
        assert answer.cache_hit
    gateway.close()
    return {"requests": n, **summary(times)}


def coalescing(fake: FakeCloudflare, n: int = 50) -> dict:
    fake.clear()
    fake.gateway.always(Reply("Meatloaf is sold out.", latency=0.2))
    gateway = make_gateway(fake, cache_ttl=0)
    barrier = threading.Barrier(n)
    answers = []

    def call() -> None:
        barrier.wait()
        answers.append(gateway.complete(TENANT, messages(42)))

    threads = [threading.Thread(target=call) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gateway.close()
    fake.gateway.reset()
    return {"concurrent_requests": n, "upstream_calls": len(fake.requests), "answers": len(answers)}


def slow_upstream(fake: FakeCloudflare, n: int = 200) -> dict:
    fake.gateway.always(Reply("Slow but sure.", latency=0.8))
    gateway = make_gateway(fake)
    t = time.perf_counter()
    gateway.complete(TENANT, messages(7))
    uncached = (time.perf_counter() - t) * 1000
    cached = []
    for _ in range(n):
        t = time.perf_counter()
        gateway.complete(TENANT, messages(7))
        cached.append((time.perf_counter() - t) * 1000)
    gateway.close()
    fake.gateway.reset()
    return {
        "upstream_latency_ms": 800,
        "uncached_ms": round(uncached, 2),
        "cached_p50_ms": round(percentile(cached, 50), 4),
        "speedup": round(uncached / percentile(cached, 50)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--redis-url", default=None, help="also measure with limiter/cache state in Redis")
    args = parser.parse_args()

    remote = RemoteFake()
    try:
        budget = TenantPolicy(daily_budget_usd=1_000_000.0)  # never reached: every call reserves and settles
        figures = {
            "overhead_memory": overhead(remote, args.requests, None),
            "overhead_budget_memory": overhead(remote, args.requests, None, budget),
            "cache_hit_memory": cache_hits(remote, args.requests, None),
        }
        if args.redis_url:
            figures["overhead_redis"] = overhead(remote, args.requests, args.redis_url)
            figures["overhead_budget_redis"] = overhead(remote, args.requests, args.redis_url, budget)
            figures["cache_hit_redis"] = cache_hits(remote, args.requests, args.redis_url)
    finally:
        remote.stop()
    with FakeCloudflare() as fake:  # in process: these tests script the fake and count its requests
        figures["coalescing"] = coalescing(fake)
        figures["slow_upstream"] = slow_upstream(fake)

    for backend in ("memory", "redis"):
        if f"overhead_budget_{backend}" in figures:
            with_budget, without = figures[f"overhead_budget_{backend}"], figures[f"overhead_{backend}"]
            added = with_budget["overhead_p50_ms"] - without["overhead_p50_ms"]
            figures[f"budget_adds_p50_ms_{backend}"] = round(added, 4)
    if args.json:
        print(json.dumps({"benchmark": "gateway", **figures}))
        return
    for backend in ("memory", "redis"):
        if f"overhead_{backend}" not in figures:
            continue
        o, c = figures[f"overhead_{backend}"], figures[f"cache_hit_{backend}"]
        print(f"[{backend}] {o['requests']} sequential misses")
        for label, fig in (("direct httpx", o["direct_httpx"]), ("via gateway", o["gateway"])):
            print(f"  {label:<14} p50 {fig['p50_ms']:.3f} ms  p99 {fig['p99_ms']:.3f} ms")
        print(f"  {'overhead':<14} p50 {o['overhead_p50_ms']:.3f} ms  p99 {o['overhead_p99_ms']:.3f} ms", end="")
        print("  (target p50 <= 1 ms)")
        print(f"  {'cache hit':<14} p50 {c['p50_ms']:.4f} ms  p99 {c['p99_ms']:.4f} ms  (target p50 <= 0.5 ms)")
        b, added = figures[f"overhead_budget_{backend}"], figures[f"budget_adds_p50_ms_{backend}"]
        print(f"  {'with a budget':<14} overhead p50 {b['overhead_p50_ms']:.3f} ms", end="")
        print(f": the budget check adds {added:.3f} ms  (target <= 0.2 ms)")
    co = figures["coalescing"]
    requests, calls = co["concurrent_requests"], co["upstream_calls"]
    print(f"single-flight: {requests} identical concurrent requests -> {calls} upstream call(s)")
    s = figures["slow_upstream"]
    print(
        f"800 ms upstream: uncached {s['uncached_ms']:.1f} ms, cached p50 {s['cached_p50_ms']:.4f} ms "
        f"({s['speedup']}x faster)"
    )


if __name__ == "__main__":
    main()
