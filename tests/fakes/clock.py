"""The test clock: one `FakeClock` for the whole program (the store, the service, the gateway, the
channels), standing in for `diner_agent.clock.SystemClock`.

`now()` moves only when a test says so. `monotonic()` starts at the real monotonic reading (never a
fixed number: a machine booted a minute ago reads less than one up for a week, and a deadline taken from
`time.monotonic()` must mean the same on both) and follows real time plus every `advance()`, so real
waits (an HTTP timeout, a thread finishing) still make deadlines pass, and a test can also jump past a
TTL or a breaker's reset at once; with `frozen=True` it moves only when told (unit tests of TTLs,
breakers and dedupe windows, where real time must not leak in).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

# Thursday 2026-11-26, 10:00 in New York: inside every sample diner's weekday hours.
DEFAULT_START = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = DEFAULT_START, *, frozen: bool = False) -> None:
        if start.tzinfo is None:
            raise ValueError("a FakeClock starts at an aware datetime")
        self._now = start.astimezone(UTC)
        self._frozen = frozen
        # The real reading to a 1/1024 s: `base + 30 - base` is then exactly 30 (with the raw reading, float
        # rounding made a breaker's "30 s passed" false on some machines, depending on their uptime).
        self._real_base = round(time.monotonic() * 1024) / 1024
        self._jumped = 0.0  # every advance(), in seconds
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            real = 0.0 if self._frozen else time.monotonic() - self._real_base
            return self._real_base + real + self._jumped

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move both readings forward: `advance(30)` or `advance(minutes=5)`."""
        step = timedelta(seconds=seconds, **delta)
        with self._lock:
            self._now += step
            self._jumped += step.total_seconds()
            return self._now

    def set(self, moment: datetime) -> None:
        """Put `now()` at `moment` (monotonic time is not moved: it never goes back)."""
        with self._lock:
            self._now = moment.astimezone(UTC)
