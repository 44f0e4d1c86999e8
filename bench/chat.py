"""Benchmark `POST /v1/chat/completions` end to end, beside the fake upstream it calls. A script, not a test.

    .venv/bin/python bench/chat.py [--json] [--requests 500] [--workers 1] [--redis-url redis://...]

It starts the Cloudflare fake in its own process (as a real upstream would be) and the web process exactly
as the Procfile does (gunicorn, gthread), on a temporary SQLite database migrated and loaded with
examples/demo-diner.yaml by the CLI, with the AI gateway pointed at the fake and a web-chat token issued
by `diner-agent tenants token`. Then, from one keep-alive client, interleaved so all three see the same
machine state:
- upstream: a direct POST of the same kind of request (system prompt and question) to the fake;
- misses: `/v1/chat/completions` with a new question each time (the gateway calls the fake);
- hits: `/v1/chat/completions` with one question asked before (answered from the gateway's cache);
- bare: `GET /` (the Flask/gunicorn floor, no database, no gateway).
Overhead on a miss = miss p50 - upstream p50 (target <= 2 ms); a hit's p50 is all ours (target <= 1 ms).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gateway import RemoteFake, percentile  # noqa: E402
from tests.procfile import free_port, start_web, stop_web  # noqa: E402

SYSTEM = "You are the manager's assistant for Demo Diner. " * 60  # about the size of the real system prompt


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "diner_agent.cli", *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def start(workdir: Path, fake: RemoteFake, workers: int, redis_url: str | None) -> tuple[subprocess.Popen, int, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "LOG_LEVEL": "WARNING",
        "AI_RATE_LIMIT": "1000000/minute",
        "CLOUDFLARE_AI_GATEWAY_URL": fake.gateway_url,
        "CLOUDFLARE_AI_GATEWAY_TOKEN": fake.gateway_token,
        "CLOUDFLARE_API_TOKEN": fake.api_token,
    }
    for unset in ("REDIS_URL", "CLOUDFLARE_ACCOUNT_ID", "LLM_BASE_URL", "AI_DAILY_BUDGET_USD", "AI_MONTHLY_BUDGET_USD"):
        env.pop(unset, None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    cli(env, "db", "upgrade")
    cli(env, "tenants", "load", str(ROOT / "examples" / "demo-diner.yaml"))
    token = cli(env, "tenants", "token", "demo-diner").splitlines()[-1]
    return start_web(env, workdir), port, token


class Client:
    """One keep-alive HTTP/1.1 connection; returns (milliseconds, status, headers, body)."""

    def __init__(self, host: str, port: int) -> None:
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):  # type: ignore[no-untyped-def]
        data = json.dumps(body).encode() if body is not None else None
        began = time.perf_counter()
        self.conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = self.conn.getresponse()
        payload = response.read()
        return (time.perf_counter() - began) * 1000, response.status, response, payload


def figures(values: list[float]) -> dict:
    return {"p50_ms": round(percentile(values, 50), 3), "p99_ms": round(percentile(values, 99), 3)}


def measure(port: int, token: str, fake: RemoteFake, n: int) -> dict:
    app, upstream = Client("127.0.0.1", port), Client(*fake.gateway_url.split("//")[1].split("/")[0].split(":"))
    base_path = "/" + fake.gateway_url.split("//")[1].split("/", 1)[1] + "/compat/chat/completions"
    auth = {"Authorization": f"Bearer {token}"}
    up_headers = {"cf-aig-authorization": f"Bearer {fake.gateway_token}", "authorization": f"Bearer {fake.api_token}"}

    def question(i: int) -> dict:
        return {"model": "diner-agent", "messages": [{"role": "user", "content": f"A sign for special {i}?"}]}

    def direct(i: int) -> dict:
        return {
            "model": "workers-ai/@cf/meta/llama-3.1-8b-instruct-fast",
            "max_tokens": 512,
            "temperature": 0.3,
            "messages": [{"role": "system", "content": SYSTEM}, question(i)["messages"][0]],
        }

    hot = {"model": "diner-agent", "messages": [{"role": "user", "content": "A sign for today's pie?"}]}
    for i in range(30):  # warm up every path and connection
        app.call("POST", "/v1/chat/completions", question(-i - 1), auth)
        upstream.call("POST", base_path, direct(-i - 1), up_headers)
        app.call("POST", "/v1/chat/completions", hot, auth)
        app.call("GET", "/")
    results: dict[str, list[float]] = {"upstream": [], "miss": [], "hit": [], "bare": []}
    caches: dict[str, int] = {}
    for i in range(n):
        ms, status, _, _ = upstream.call("POST", base_path, direct(i), up_headers)
        results["upstream"].append(ms)
        ms, status, response, _ = app.call("POST", "/v1/chat/completions", question(i), auth)
        assert status == 200, status
        caches[response.getheader("x-diner-cache")] = caches.get(response.getheader("x-diner-cache"), 0) + 1
        results["miss"].append(ms)
        ms, status, response, _ = app.call("POST", "/v1/chat/completions", hot, auth)
        assert status == 200 and response.getheader("x-diner-cache") == "hit", response.getheader("x-diner-cache")
        results["hit"].append(ms)
        ms, _, _, _ = app.call("GET", "/")
        results["bare"].append(ms)
    out = {kind: figures(values) for kind, values in results.items()}
    out["miss_overhead_p50_ms"] = round(out["miss"]["p50_ms"] - out["upstream"]["p50_ms"], 3)
    out["miss_overhead_p99_ms"] = round(out["miss"]["p99_ms"] - out["upstream"]["p99_ms"], 3)
    out["miss_cache_headers"] = caches
    out["requests"] = n
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (one client: one is enough)")
    parser.add_argument("--redis-url", default=None, help="run the server with REDIS_URL (shared state)")
    args = parser.parse_args()
    fake = RemoteFake()
    workdir = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    server = None
    try:
        server, port, token = start(workdir, fake, args.workers, args.redis_url)
        result = measure(port, token, fake, args.requests)
    finally:
        if server is not None:
            stop_web(server)
        fake.stop()
    result["backend"] = "redis" if args.redis_url else "memory"
    if args.json:
        print(json.dumps({"benchmark": "chat", **result}))
        return
    print(f"POST /v1/chat/completions, {result['requests']} of each, one keep-alive client ({result['backend']})")
    for label, key in (("upstream (fake)", "upstream"), ("miss", "miss"), ("hit", "hit"), ("bare GET /", "bare")):
        print(f"  {label:<16} p50 {result[key]['p50_ms']:7.3f} ms   p99 {result[key]['p99_ms']:7.3f} ms")
    o50, o99 = result["miss_overhead_p50_ms"], result["miss_overhead_p99_ms"]
    print(f"  miss overhead    p50 {o50:7.3f} ms   p99 {o99:7.3f} ms   (target p50 <= 2 ms)")
    print(f"  hit              p50 {result['hit']['p50_ms']:7.3f} ms                    (target p50 <= 1 ms)")


if __name__ == "__main__":
    main()
