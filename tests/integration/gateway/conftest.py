"""Fixtures for the gateway's policy tests: the Cloudflare fake behind httpx.MockTransport (no sockets),
with shared state in memory and, when TEST_REDIS_URL is set, in Redis. Tests of the real wire ask for
`loopback_cloudflare` (test_wire_formats.py, the test across processes)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from prometheus_client import CollectorRegistry

from diner_agent.gateway import AIGateway, GatewayConfig, MemorySink
from tests.fakes.cloudflare import FakeCloudflare, MockCloudflare
from tests.services import redis_backends, redis_url

MESSAGES = [{"role": "user", "content": "86 the meatloaf"}]


@pytest.fixture(params=redis_backends())
def backend(request) -> str:
    """Where shared state lives: "memory", and "redis" when a test Redis is configured."""
    return request.param


@pytest.fixture
def redis_prefix(backend: str) -> Iterator[str | None]:
    """A key prefix unique to this test; its keys are deleted afterwards."""
    if backend != "redis":
        yield None
        return
    prefix = f"test-gw:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url())
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def fake_cloudflare() -> MockCloudflare:
    """For this suite the fake answers through httpx.MockTransport (the loopback server elsewhere)."""
    return MockCloudflare()


@pytest.fixture
def loopback_cloudflare() -> Iterator[FakeCloudflare]:
    with FakeCloudflare() as fake:
        yield fake


@pytest.fixture
def make_gateway(fake_cloudflare, backend, redis_prefix) -> Iterator[Callable[..., tuple[AIGateway, MemorySink]]]:
    """Build gateways pointed at the fake: make_gateway(providers=(...), **GatewayConfig overrides)."""
    built: list[AIGateway] = []
    clients = []

    def make(*providers: str, clock=None, keep_alert=None, **overrides) -> tuple[AIGateway, MemorySink]:
        kwargs = fake_cloudflare.config_kwargs(*providers)
        kwargs.update(connect_timeout=1.0, first_byte_timeout=1.0, total_timeout=4.0, rate_limit="1000/minute")
        if backend == "redis":
            kwargs.update(redis_url=redis_url(), redis_prefix=redis_prefix)
        kwargs.update(overrides)
        sink = MemorySink()
        client = fake_cloudflare.client() if isinstance(fake_cloudflare, MockCloudflare) else None
        if client is not None:
            clients.append(client)
        config = GatewayConfig(**kwargs)
        gateway = AIGateway(
            config,
            metrics_sink=sink,
            clock=clock,
            http_client=client,
            registry=CollectorRegistry(),
            keep_alert=keep_alert,
        )
        built.append(gateway)
        return gateway, sink

    yield make
    for gateway in built:
        gateway.close()
    for client in clients:
        client.close()
