"""Availability under faults (docs/availability.md). A script, not a test; it prints measured figures.

    .venv/bin/python bench/faults.py [--json] [--workers 4] [--flood 48] [--model-seconds 7] [--grammar 200]
                                     [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

1. Slow AI flood, on the Procfile's server (gunicorn, `--workers` x 4 threads, SQLite): the fake
   Cloudflare answers after `--model-seconds`; `--flood` free-form texts from one diner are sent at
   once, and while they are in flight another diner's owner sends `--grammar` grammar texts from 4
   clients. Prints the grammar texts' p50 / p99 (target p99 <= 1 s), the free-form texts' webhook
   p99 ("working on it"), and once every late answer is in: texts lost (no answer at all; target 0)
   and duplicate sends (target 0), from the fake Twilio's record.
2. Redis frozen (SIGSTOP of a redis-server of the bench's own) under the app with Redis configured:
   how long the first free-form text, the first grammar text, /healthz and /readyz take after the
   freeze (target <= 1 s).
3. Postgres connections terminated (pg_terminate_backend four times a second, on a database of the
   bench's own, when `--postgres` names a server) while 4 clients send grammar texts: texts that met
   "couldn't save that" (lost without the retry) and 5xx answers.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diner_agent.app import create_app  # noqa: E402
from diner_agent.assembly import Assembly  # noqa: E402
from diner_agent.commands.replies import SORRY, STORE_DOWN  # noqa: E402
from diner_agent.menu.db import upgrade  # noqa: E402
from diner_agent.menu.store import MenuStore  # noqa: E402
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file  # noqa: E402
from tests.fakes.cloudflare import FakeCloudflare, Reply, Sleep  # noqa: E402
from tests.fakes.twilio_rest import FakeTwilioRest  # noqa: E402
from tests.integration.faults.servers import ThrowawayRedis, terminate_backends  # noqa: E402
from tests.procfile import free_port, start_web, stop_web  # noqa: E402

TOKEN = "bench-faults-" + uuid.uuid4().hex
PUBLIC = "https://bench.diner.example"
DEMO, DEMO_OWNER = "+15555550150", "+15555550151"
BLUE, BLUE_OWNER = "+15555550100", "+15555550101"
FREE_FORM = "hmm, what should we do about table {n} tonight"  # the grammar cannot read it
ANSWER = Reply(json={"commands": [{"action": "toggle_available", "target": "Meatloaf", "value": False}]})
GRAMMAR = ["coffee 2.75", "86 the pancakes", "coffee 2.50", "pancakes are back", "lemonade 3.25", "lemonade 3.00"]
TENANT_FILES = [ROOT / "examples" / "demo-diner.yaml", ROOT / "tests" / "fixtures" / "sample-tenant.yaml"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def signed(form: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms", form)
    return urlencode(form).encode(), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
    }


def sms_form(text: str, to: str, sender: str) -> dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    return {"To": to, "From": sender, "Body": text, "MessageSid": sid, "AccountSid": "AC" + "0" * 32}


def post_sms(port: int, form: dict[str, str]) -> tuple[float, int, str]:
    body, headers = signed(form)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    began = time.perf_counter()
    conn.request("POST", "/sms", body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    took = (time.perf_counter() - began) * 1000
    conn.close()
    return took, response.status, text


def loaded_database(url: str) -> str:
    upgrade(url)
    store = MenuStore.from_url(url)
    for path in TENANT_FILES:
        load_tenants(store, read_tenant_file(path))
    store.close()
    return url


def slow_ai_flood(args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="diner-faults-"))
    with FakeCloudflare() as cloudflare, FakeTwilioRest() as twilio:
        cloudflare.gateway.always(Sleep(args.model_seconds, then=ANSWER))
        port = free_port()
        env = {
            "PORT": str(port),
            "WEB_CONCURRENCY": str(args.workers),
            "DATABASE_URL": loaded_database(f"sqlite:///{workdir}/faults.db"),
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_ACCOUNT_SID": "AC" + "3" * 32,
            "TWILIO_API_URL": twilio.base_url,
            "PUBLIC_BASE_URL": PUBLIC,
            "AI_RATE_LIMIT": "10000/minute",
            "AI_CACHE_TTL": "0",
            "AI_READ_TIMEOUT": str(args.model_seconds + 5),
            "AI_TOTAL_TIMEOUT": str(args.model_seconds + 10),
            "PRUNE_DAILY": "false",
            "LOG_LEVEL": "WARNING",
            **cloudflare.env(),
        }
        for unset in ("REDIS_URL",):
            os.environ.pop(unset, None)
        server = start_web(env, workdir)
        try:
            with ThreadPoolExecutor(8) as warm:  # every worker past its first requests (imports, pools)
                list(warm.map(lambda n: post_sms(port, sms_form(GRAMMAR[n % 6], BLUE, BLUE_OWNER)), range(80)))
            flood_forms = [sms_form(FREE_FORM.format(n=n), DEMO, DEMO_OWNER) for n in range(args.flood)]
            grammar_forms = [sms_form(GRAMMAR[n % len(GRAMMAR)], BLUE, BLUE_OWNER) for n in range(args.grammar)]
            with ThreadPoolExecutor(args.flood) as flood_pool, ThreadPoolExecutor(4) as grammar_pool:
                flood = [flood_pool.submit(post_sms, port, form) for form in flood_forms]
                time.sleep(0.5)  # the flood is in flight
                grammar = list(grammar_pool.map(lambda form: post_sms(port, form), grammar_forms))
                flooded = [f.result() for f in flood]
            deadline = time.monotonic() + args.model_seconds * (args.flood / 4 + 2) + 60
            while len(twilio.sent) < args.flood and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2.0)  # any duplicate would show by now
        finally:
            stop_web(server)
        sent = [s.form.get("To") for s in twilio.sent]
    grammar_ms = [took for took, status, text in grammar if status == 200 and "<Message>" in text]
    grammar_lost = len(grammar) - len(grammar_ms)
    answered_late = sent.count(DEMO_OWNER)
    return {
        "workers": args.workers,
        "model_seconds": args.model_seconds,
        "flood": args.flood,
        "grammar_texts": args.grammar,
        "grammar_p50_ms": percentile(grammar_ms, 0.5) if grammar_ms else None,
        "grammar_p99_ms": percentile(grammar_ms, 0.99) if grammar_ms else None,
        "free_form_webhook_p99_ms": percentile([took for took, _s, _t in flooded], 0.99),
        "lost": grammar_lost + max(0, args.flood - answered_late),
        "duplicate_sends": max(0, answered_late - args.flood),
        "five_xx": sum(1 for _t, status, _x in grammar + flooded if status >= 500),
    }


def _test_client_sms(client, text: str, to: str, sender: str) -> tuple[float, str]:
    form = sms_form(text, to, sender)
    body, headers = signed(form)
    began = time.perf_counter()
    response = client.post("/sms", data=body, headers=headers)
    return (time.perf_counter() - began) * 1000, response.get_data(as_text=True)


def redis_freeze() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="diner-faults-redis-"))
    redis_server = ThrowawayRedis(workdir).start()
    with FakeCloudflare() as cloudflare:
        settings = {key.lower(): value for key, value in cloudflare.env().items()}
        app = create_app(
            database_url=loaded_database(f"sqlite:///{workdir}/redis.db"),
            redis_url=redis_server.url,
            twilio_auth_token=TOKEN,
            public_base_url=PUBLIC,
            prune_daily=False,
            ai_cache_ttl=0,
            **settings,
        )
        client = app.test_client()
        try:
            _test_client_sms(client, FREE_FORM.format(n=0), DEMO, DEMO_OWNER)  # warm: Redis in use
            redis_server.freeze()
            free_form_ms, _ = _test_client_sms(client, FREE_FORM.format(n=1), DEMO, DEMO_OWNER)
            grammar_ms, _ = _test_client_sms(client, "coffee 2.75", DEMO, DEMO_OWNER)
            began = time.perf_counter()
            health = client.get("/healthz").status_code
            healthz_ms = (time.perf_counter() - began) * 1000
            began = time.perf_counter()
            ready = client.get("/readyz").status_code
            readyz_ms = (time.perf_counter() - began) * 1000
        finally:
            redis_server.thaw()
            redis_server.stop()
            Assembly.of(app).close()
    return {
        "first_free_form_text_ms": round(free_form_ms, 1),
        "first_grammar_text_ms": round(grammar_ms, 1),
        "healthz_ms": round(healthz_ms, 1),
        "healthz_status": health,
        "readyz_ms": round(readyz_ms, 1),
        "readyz_status": ready,
    }


def postgres_drops(server_url: str, texts: int = 400) -> dict:
    from tests.databases import postgres_database

    with postgres_database(server_url) as url:
        loaded_database(url)
        app = create_app(database_url=url, twilio_auth_token=TOKEN, public_base_url=PUBLIC, prune_daily=False,
                         cloudflare_ai_gateway_url=None, cloudflare_account_id=None, llm_base_url=None)  # fmt: skip
        stop = threading.Event()
        killed = [0]

        def terminator() -> None:
            while not stop.is_set():
                killed[0] += terminate_backends(url)
                time.sleep(0.25)

        menu_codes: list[int] = []

        def reader() -> None:
            client = app.test_client()
            while not stop.is_set():
                menu_codes.append(client.get("/menu/blue-plate.json").status_code)

        helpers = [threading.Thread(target=terminator), threading.Thread(target=reader)]
        for thread in helpers:
            thread.start()
        try:
            with ThreadPoolExecutor(4) as pool:
                replies = list(
                    pool.map(
                        lambda n: _test_client_sms(app.test_client(), GRAMMAR[n % 6], BLUE, BLUE_OWNER)[1], range(texts)
                    )
                )
        finally:
            stop.set()
            for thread in helpers:
                thread.join()
            Assembly.of(app).close()
    return {
        "texts": texts,
        "connections_terminated": killed[0],
        "couldnt_save": sum(STORE_DOWN in r for r in replies),
        "something_went_wrong": sum(SORRY in r for r in replies),
        "menu_reads": len(menu_codes),
        "menu_5xx_other_than_503": sum(1 for c in menu_codes if c >= 500 and c != 503),
        "menu_503": menu_codes.count(503),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--flood", type=int, default=48)
    parser.add_argument("--model-seconds", type=float, default=7.0)
    parser.add_argument("--grammar", type=int, default=200)
    parser.add_argument(
        "--postgres", default=os.environ.get("TEST_DATABASE_URL"), help="a server to create a database on"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {"slow_ai_flood": slow_ai_flood(args), "redis_frozen": redis_freeze()}
    if args.postgres:
        result["postgres_drops"] = postgres_drops(args.postgres.replace("postgresql://", "postgresql+psycopg://", 1))
    if args.json:
        print(json.dumps(result))
        return
    flood, frozen = result["slow_ai_flood"], result["redis_frozen"]
    lines = [
        f"slow AI flood ({flood['workers']} workers, model {flood['model_seconds']} s, "
        f"{flood['flood']} free-form texts in flight):",
        f"  grammar SMS p50 {flood['grammar_p50_ms']} ms  p99 {flood['grammar_p99_ms']} ms   (target p99 <= 1000 ms)",
        f"  free-form SMS webhook ('working on it') p99 {flood['free_form_webhook_p99_ms']} ms",
        f"  lost {flood['lost']}   duplicate sends {flood['duplicate_sends']}   5xx {flood['five_xx']}   (targets 0)",
        "Redis frozen (SIGSTOP):",
        f"  first free-form text {frozen['first_free_form_text_ms']} ms, grammar {frozen['first_grammar_text_ms']} ms",
        f"  /healthz {frozen['healthz_status']} in {frozen['healthz_ms']} ms",
        f"  /readyz {frozen['readyz_status']} in {frozen['readyz_ms']} ms",
    ]
    if "postgres_drops" in result:
        drops = result["postgres_drops"]
        lines += [
            f"Postgres connections terminated ({drops['connections_terminated']} during {drops['texts']} texts):",
            f"  'couldn't save that' {drops['couldnt_save']}, 'something went wrong' {drops['something_went_wrong']}",
            f"  /menu: {drops['menu_reads']} reads, {drops['menu_503']} x 503, "
            f"{drops['menu_5xx_other_than_503']} other 5xx",
        ]
    print("\n".join(lines))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
