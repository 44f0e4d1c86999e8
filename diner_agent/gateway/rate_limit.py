"""Per-tenant rate limit: a moving window in memory (memory_window.py) or in Redis (`limits`), then reject or queue.

Cloudflare's gateway limit is one number for the whole gateway, so tenants must be limited here.
With Redis every process shares one window per tenant (the check-and-add is one Lua script, so the
limit is exact across processes); in memory each process has its own.

Mode "reject" answers at once with RateLimited(retry_after). Mode "queue" waits for a slot, first come
first served per tenant within a process: only the head of a tenant's line asks the limiter, and it
sleeps until the window should have room. Across processes the heads of each process's line compete
for freed slots (with a little jitter so they do not wake in lockstep); that is as fair as it gets
without a distributed queue, and the count stays exact. A wait that cannot end before the deadline
gives up early, so an SMS webhook hears "busy" at once rather than after its deadline.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

import limits
import redis
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from diner_agent.clock import Clock, library_epoch
from diner_agent.redis_guard import GuardedRedis, RedisSkipped

from .errors import RateLimited, Unavailable
from .memory_window import MemoryWindows

_SLACK = 0.005  # the window frees a slot at reset time; ask just after it


@dataclass(frozen=True, slots=True)
class RateInfo:
    """A tenant's window after a call: what OpenAI's `x-ratelimit-*-requests` headers report."""

    limit: int
    remaining: int
    reset_after: float  # seconds until the window has room again (0 when it has room now)

    def reset_text(self) -> str:
        """OpenAI's duration form: "1s", "6m0s"."""
        seconds = max(0, math.ceil(self.reset_after))
        minutes, seconds = divmod(seconds, 60)
        return f"{minutes}m{seconds}s" if minutes else f"{seconds}s"


class Limiter(Protocol):
    def try_acquire(self, tenant: str) -> float | None:
        """Take one slot: None when taken, else the seconds until one may be free."""
        ...


class TenantLimiter:
    """A moving-window limit per tenant, e.g. "10/minute"; `rate=` on a call overrides it for that diner."""

    def __init__(
        self, rate: str, redis_client: redis.Redis | GuardedRedis | None = None, prefix: str = "diner-agent:ai"
    ) -> None:
        self._item = limits.parse(rate)
        self._items = {rate: self._item}
        # `limits` talks to the pool directly, past the guard's wrapper, so each use of it goes through
        # the guard here (the breaker, and the call counted like any other Redis call).
        self._guard: Callable[[Callable[..., Any]], Callable[..., Any]] = (
            redis_client.guard if isinstance(redis_client, GuardedRedis) else _unguarded
        )
        if redis_client is not None:
            url = "redis://"  # the pool below decides where it really connects
            storage = RedisStorage(url, connection_pool=redis_client.connection_pool, key_prefix=f"{prefix}:limits")
            self._local: AbstractContextManager[object] = nullcontext()
            self._limiter: MovingWindowRateLimiter | MemoryWindows = MovingWindowRateLimiter(storage)
        else:
            self._local = nullcontext()
            self._limiter = MemoryWindows()  # exact across threads under its own lock, and no timer thread

    def item(self, rate: str | None):  # type: ignore[no-untyped-def]
        if rate is None:
            return self._item
        item = self._items.get(rate)
        if item is None:
            item = self._items[rate] = limits.parse(rate)
        return item

    def try_acquire(self, tenant: str, rate: str | None = None) -> float | None:
        item = self.item(rate)
        try:
            taken, reset = self._guard(self._hit)(item, tenant)
        except RedisSkipped:
            # Failing open would let a Redis outage turn into an unbounded bill: fail closed, at once.
            raise Unavailable("The rate-limit store failed a moment ago; no AI call without a counted slot.") from None
        except redis.RedisError as exc:
            raise Unavailable(f"The rate-limit store is unreachable ({type(exc).__name__}).") from None
        if taken:
            return None
        return max(_SLACK, reset - library_epoch() + _SLACK)  # `limits` dates its windows itself

    def _hit(self, item, tenant: str) -> tuple[bool, float]:  # type: ignore[no-untyped-def]
        with self._local:
            if self._limiter.hit(item, tenant):
                return True, 0.0
            reset, _remaining = self._limiter.get_window_stats(item, tenant)
            return False, reset

    def status(self, tenant: str, rate: str | None = None) -> RateInfo | None:
        """The tenant's window now, for the response headers; None when the store cannot say."""
        item = self.item(rate)
        try:
            reset, remaining = self._guard(self._limiter.get_window_stats)(item, tenant)
        except redis.RedisError:
            return None
        wait = 0.0 if remaining >= item.amount else max(0.0, reset - library_epoch())  # the oldest hit's expiry
        return RateInfo(item.amount, max(0, remaining), wait)


def _unguarded(call: Callable[..., Any]) -> Callable[..., Any]:
    return call


class TenantGate:
    """Applies the limit in the configured mode (see module docstring)."""

    def __init__(self, limiter: Limiter, mode: str, max_wait: float, clock: Clock) -> None:
        self._limiter = limiter
        self._mode = mode
        self._max_wait = max_wait
        self._clock = clock
        self._cond = threading.Condition()
        self._lines: dict[str, deque[object]] = {}

    def waiting(self, tenant: str) -> int:
        """How many calls of this tenant are queued in this process (including the head)."""
        with self._cond:
            return len(self._lines.get(tenant, ()))

    def status(self, tenant: str, rate: str | None = None) -> RateInfo | None:
        status = getattr(self._limiter, "status", None)
        return status(tenant, rate) if status is not None else None

    def acquire(self, tenant: str, deadline: float, rate: str | None = None) -> None:
        """Take a slot for `tenant` (under its own `rate`, if it has one) or raise RateLimited(scope="tenant")."""
        if rate is not None and not hasattr(self._limiter, "status"):
            rate = None  # a scripted limiter of a test knows one rate
        if self._mode != "queue":
            retry = self._try(tenant, rate)
            if retry is not None:
                raise RateLimited(retry, "tenant", message=f"Tenant {tenant!r} is over its AI rate limit.")
            return
        give_up_at = min(deadline, self._clock.monotonic() + self._max_wait)
        ticket = object()
        with self._cond:
            line = self._lines.setdefault(tenant, deque())
            line.append(ticket)
        try:
            self._wait_in_line(tenant, line, ticket, give_up_at, rate)
        finally:
            with self._cond:
                line.remove(ticket)
                if not line and self._lines.get(tenant) is line:
                    del self._lines[tenant]
                self._cond.notify_all()

    def _try(self, tenant: str, rate: str | None) -> float | None:
        return self._limiter.try_acquire(tenant) if rate is None else self._limiter.try_acquire(tenant, rate)  # type: ignore[call-arg]

    def _wait_in_line(
        self, tenant: str, line: deque[object], ticket: object, give_up_at: float, rate: str | None = None
    ) -> None:
        retry = 0.0
        while True:
            with self._cond:
                while line[0] is not ticket:
                    remaining = give_up_at - self._clock.monotonic()
                    if remaining <= 0:
                        raise RateLimited(
                            retry or 1.0,
                            "tenant",
                            message=f"Tenant {tenant!r} waited too long in the AI queue.",
                        )
                    self._cond.wait(remaining)
            retry = self._try(tenant, rate)
            if retry is None:
                return
            remaining = give_up_at - self._clock.monotonic()
            if retry > remaining:
                raise RateLimited(
                    retry, "tenant", message=f"Tenant {tenant!r} has no AI slot free before its deadline."
                )
            time.sleep(retry + random.uniform(0, _SLACK))  # noqa: S311 - jitter, not crypto
