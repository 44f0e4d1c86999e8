"""Benchmark the signed Twilio webhook against a bare route on the same production server. A script, not a test.

    .venv/bin/python bench/webhook.py [--json] [--requests 2000] [--concurrency 4] [--workers 2] [--threads 4]

It starts the server exactly as the Procfile does (gunicorn, gthread workers, `diner_agent.app:create_app()`,
settings by environment) on a temporary SQLite database that the CLI migrates and loads with
examples/demo-diner.yaml, waits for /healthz, then sends, from `--concurrency` client threads over
keep-alive connections:
- `--requests` signed `POST /sms` webhooks of grammar-path texts from the demo diner's owner (prices,
  86 / back, MENU, HOURS; every one with its own MessageSid, so each is handled and recorded);
- the same number of `GET /` (plain text, no database): the floor set by gunicorn, Flask and the client.
It prints p50 / p99 latency and requests/s for both, and the ratio. The target is an SMS p50 <= 5 ms on
loopback and <= 3x the bare route.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.procfile import free_port, start_web, stop_web  # noqa: E402

TOKEN = "bench-" + uuid.uuid4().hex
PUBLIC = "https://bench.diner.example"
DINER_NUMBER = "+15555550150"  # demo-diner
OWNER = "+15555550151"
TEXTS = [
    "coffee 2.75",
    "86 the meatloaf",
    "coffee 2.50",
    "meatloaf is back",
    "iced tea 2.95",
    "86 the french toast",
    "iced tea 2.75",
    "french toast is back",
    "menu",
    "hours",
]


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "diner_agent.cli", *args], env=env, check=True, capture_output=True)


def start_server(
    workdir: Path, port: int, workers: int, threads: int, database_url: str | None, tenants_file: Path | None = None
) -> tuple[subprocess.Popen, dict[str, str]]:
    """The Procfile's web process (tests/procfile.py reads the Procfile) on a migrated, loaded database."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{workdir}/bench.db",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": PUBLIC,
        "PYTHONPATH": str(ROOT),
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "LOG_LEVEL": "WARNING",
    }
    for unset in ("REDIS_URL", "CLOUDFLARE_AI_GATEWAY_URL", "CLOUDFLARE_ACCOUNT_ID", "LLM_BASE_URL"):
        env.pop(unset, None)
    cli(env, "db", "upgrade")
    cli(env, "tenants", "load", str(tenants_file or ROOT / "examples" / "demo-diner.yaml"))
    return start_web(env, workdir), env


def sms_request(n: int) -> tuple[str, bytes, dict[str, str]]:
    sid = "SM" + uuid.uuid4().hex
    form = {
        "ToCountry": "US",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": TEXTS[n % len(TEXTS)],
        "To": DINER_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": OWNER,
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms", form)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return "/sms", urlencode(form).encode(), headers


def run_phase(port: int, kind: str, total: int, concurrency: int) -> dict:
    """`total` requests of one kind from `concurrency` keep-alive clients; latencies in ms."""
    # Build (and sign) every request before the clock starts: signing is the client's cost, not the server's.
    prepared = [sms_request(n) if kind == "sms" else ("/", b"", {}) for n in range(total)]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    next_index = iter(range(total))
    start = threading.Barrier(concurrency + 1)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        start.wait()
        while True:
            with lock:
                n = next(next_index, None)
            if n is None:
                break
            path, body, headers = prepared[n]
            began = time.perf_counter()
            conn.request("POST" if body else "GET", path, body=body or None, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            mine.append((time.perf_counter() - began) * 1000)
            if response.status != 200 or (kind == "sms" and b"<Message>" not in payload):
                with lock:
                    errors.append(f"{response.status}: {payload[:120]!r}")
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": total,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 3),
        "requests_per_s": round(total / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per route (default 2000)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as the Procfile)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--database-url", help="an existing, empty database to use instead of a temporary SQLite file (e.g. Postgres)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="diner-bench-"))
    port = free_port()
    server, _env = start_server(workdir, port, args.workers, args.threads, args.database_url)
    try:
        warmup = max(50, args.requests // 10)
        run_phase(port, "bare", warmup, args.concurrency)
        run_phase(port, "sms", warmup, args.concurrency)
        bare = run_phase(port, "bare", args.requests, args.concurrency)
        sms = run_phase(port, "sms", args.requests, args.concurrency)
    finally:
        stop_web(server)
        shutil.rmtree(workdir, ignore_errors=True)

    database = (args.database_url or "sqlite").split(":", 1)[0].split("+", 1)[0]
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "server": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread", "database": database},
        "concurrency": args.concurrency,
        "sms": sms,
        "bare": bare,
        "p50_ratio": round(sms["p50_ms"] / bare["p50_ms"], 2),
        "p99_ratio": round(sms["p99_ms"] / bare["p99_ms"], 2),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"machine: {result['machine']['cpus']} CPUs, Python {result['machine']['python']}")
    print(f"server:  gunicorn gthread, {args.workers} workers x {args.threads} threads, {database}")
    print(f"clients: {args.concurrency} keep-alive threads, {args.requests} requests per route")
    for name, row in (("POST /sms (signed)", sms), ("GET / (bare)", bare)):
        print(
            f"{name:20s} p50 {row['p50_ms']:7.3f} ms  p99 {row['p99_ms']:7.3f} ms  "
            f"{row['requests_per_s']:8.1f} req/s  errors {row['errors']}"
        )
    print(f"ratio sms/bare: p50 {result['p50_ratio']}x  p99 {result['p99_ratio']}x")


if __name__ == "__main__":
    main()
