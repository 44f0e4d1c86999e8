"""Health that tells the truth, each answer bounded to a second or two (DESIGN 4.4; docs/availability.md).

- `GET /livez`: the process answers requests. Nothing else is asked: a load balancer restarting a
  worker because Redis is frozen would only make things worse.
- `GET /readyz`: this instance can do its work: the database answers and is migrated to the code's
  head revision, and Redis answers when it is configured. Each check runs on a helper thread and is
  given `READY_BUDGET_SECONDS` in all; a check still running then counts as failed ("timeout"), so a
  partitioned database or a frozen Redis turns into a quick 503, never a hung probe.
- `GET /healthz`: as before, 200 when the database answers, 503 when it does not (bounded the same way).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from diner_agent.menu.db import migration_state
from diner_agent.menu.store import MenuStore

log = logging.getLogger(__name__)
READY_BUDGET_SECONDS = 1.5
Check = Callable[[], str]  # returns "ok" or what is wrong; raising counts as failing too


def health_blueprint(
    store: MenuStore, *, redis_ping: Callable[[], bool] | None = None, budget: float = READY_BUDGET_SECONDS
) -> Blueprint:
    bp = Blueprint("health", __name__)
    # A few threads of our own: a hung check must not take a request thread with it, and a pile of
    # hung checks must not grow without bound (the pool queues instead, and the budget still holds).
    checker = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")

    def database() -> str:
        with store.read() as session:
            session.execute(text("SELECT 1"))
        return "ok"

    def migrations() -> str:
        current, head = migration_state(store.engine)
        return "ok" if current == head else f"at {current}, code expects {head}"

    def redis() -> str:
        assert redis_ping is not None
        return "ok" if redis_ping() else "unreachable"

    def run(checks: dict[str, Check]) -> tuple[dict[str, str], bool]:
        started = time.perf_counter()
        futures = {name: checker.submit(check) for name, check in checks.items()}
        wait(futures.values(), timeout=budget)
        results: dict[str, str] = {}
        for name, future in futures.items():
            if not future.done():
                results[name] = "timeout"
            elif future.exception() is not None:
                results[name] = "unreachable"
                log.warning("health check %s failed: %s", name, future.exception().__class__.__name__)
            else:
                results[name] = future.result()
        log.debug("health checks took %.0f ms", (time.perf_counter() - started) * 1000)
        return results, all(v == "ok" for v in results.values())

    @bp.get("/livez")
    def livez() -> tuple[Response, int]:
        return jsonify(status="ok"), 200

    @bp.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks: dict[str, Check] = {"database": database, "migrations": migrations}
        if redis_ping is not None:
            checks["redis"] = redis
        results, ok = run(checks)
        return jsonify(status="ok" if ok else "error", **results), 200 if ok else 503

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int]:
        results, ok = run({"database": database})
        if not ok:
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok"), 200

    return bp
