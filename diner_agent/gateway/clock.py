"""Time, injectable: the breaker, the memory cache's TTLs and deadlines read it.

`deadline` arguments are absolute values of the clock's `monotonic()` (time.monotonic() for the
system clock). The rate limiter is the exception: the `limits` library keeps its own wall-clock
windows, which is what lets several processes agree on them through Redis.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to, for tests of TTLs, breakers and deadlines.

    clock = ManualClock()
    clock.advance(31)   # the breaker's reset period has passed
    """

    def __init__(self, start: float = 1000.0, wall: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._t = start
        self._start = start
        self._wall = wall or datetime(2026, 11, 27, 12, 0, tzinfo=UTC)

    def monotonic(self) -> float:
        with self._lock:
            return self._t

    def now(self) -> datetime:
        with self._lock:
            return self._wall + timedelta(seconds=self._t - self._start)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._t += seconds
