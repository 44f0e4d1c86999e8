"""Which real services the test run may use.

SQLite is always there. Postgres and Redis are used when `TEST_DATABASE_URL` / `TEST_REDIS_URL` are set.
Backends that are not configured are simply not parametrized (no skipped tests); with `REQUIRE_SERVICES=1`
(as CI sets it) a missing or unreachable service stops the run instead.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").strip() not in ("", "0", "false", "no")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _service_url(var: str, default_port: int) -> str | None:
    url = os.environ.get(var, "").strip() or None
    if url is None:
        if services_required():
            pytest.exit(f"REQUIRE_SERVICES=1 but {var} is not set", returncode=3)
        return None
    if not _reachable(url, default_port):
        if services_required():
            pytest.exit(f"REQUIRE_SERVICES=1 but {var}={url} is not reachable", returncode=3)
        return None
    return url


def postgres_url() -> str | None:
    """A SQLAlchemy URL (postgresql+psycopg://...) for a server the tests may create databases on."""
    url = _service_url("TEST_DATABASE_URL", 5432)
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redis_url() -> str | None:
    return _service_url("TEST_REDIS_URL", 6379)


def database_backends() -> list[str]:
    """Backends the store tests are parametrized over: always sqlite, postgres when configured."""
    return ["sqlite"] + (["postgres"] if postgres_url() else [])


def redis_backends() -> list[str]:
    """Shared-state backends for limiter/cache/dedupe tests: always memory, redis when configured."""
    return ["memory"] + (["redis"] if redis_url() else [])
