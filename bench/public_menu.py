"""Benchmark the public menu as a CDN would hit it: JSON, HTML and the embed page, each with and without a
matching If-None-Match. A script, not a test.

    .venv/bin/python bench/public_menu.py [--json] [--requests 1000]

It starts the Procfile's web process (gunicorn, one worker, one thread: latency, not throughput) on a
temporary SQLite database loaded with examples/demo-diner.yaml, then, over one keep-alive connection,
sends `--requests` GETs of each kind and prints p50 / p99 in milliseconds and the 200 / 304 ratio. The
target is a 304 several times faster than a 200 for the JSON (the ETag is computed from the diner's
version and what time changes, without building the document; web/freshness.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.procfile import free_port, start_web, stop_web  # noqa: E402

PATHS = {"json": "/menu/demo-diner.json", "html": "/menu/demo-diner", "embed": "/menu/demo-diner/embed"}


def start(workdir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "LOG_LEVEL": "WARNING",
    }
    for unset in ("REDIS_URL", "CLOUDFLARE_AI_GATEWAY_URL", "CLOUDFLARE_ACCOUNT_ID", "LLM_BASE_URL"):
        env.pop(unset, None)
    for args in (("db", "upgrade"), ("tenants", "load", str(ROOT / "examples" / "demo-diner.yaml"))):
        subprocess.run([sys.executable, "-m", "diner_agent.cli", *args], env=env, check=True, capture_output=True)
    return start_web(env, workdir)


def measure(port: int, path: str, total: int, etag: str | None) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"If-None-Match": etag} if etag else {}
    latencies, statuses = [], set()
    for _ in range(total):
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - began) * 1000)
        statuses.add(response.status)
    conn.close()
    latencies.sort()
    return {
        "status": sorted(statuses),
        "p50_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 3),
    }


def etag_of(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("ETag") or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start(Path(tmp), port)
        try:
            results = {}
            for kind, path in PATHS.items():
                measure(port, path, min(100, args.requests), None)  # warm up
                full = measure(port, path, args.requests, None)
                revalidated = measure(port, path, args.requests, etag_of(port, path))
                ratio = round(full["p50_ms"] / revalidated["p50_ms"], 2) if revalidated["p50_ms"] else None
                results[kind] = {"200": full, "304": revalidated, "p50_ratio_200_over_304": ratio}
        finally:
            stop_web(server)
    if args.json:
        print(json.dumps(results))
        return
    print(f"public menu, {args.requests} sequential GETs each, one gunicorn worker, loopback")
    print(f"{'page':6} {'200 p50':>9} {'200 p99':>9} {'304 p50':>9} {'304 p99':>9} {'200/304':>8}")
    for kind, r in results.items():
        print(
            f"{kind:6} {r['200']['p50_ms']:>8.3f}m {r['200']['p99_ms']:>8.3f}m "
            f"{r['304']['p50_ms']:>8.3f}m {r['304']['p99_ms']:>8.3f}m {r['p50_ratio_200_over_304']:>7}x"
        )


if __name__ == "__main__":
    main()
