"""Circuit breaker: stop sending requests to a provider that keeps failing.

closed --(N consecutive failures)--> open --(reset seconds)--> half-open
half-open lets exactly one probe through: success closes the circuit, failure re-opens it.

Breakers live per process: each worker learns about a failing provider from its own calls, which
costs at most N requests per worker and needs no shared state on the hot path.
"""

from __future__ import annotations

import threading
from typing import Literal

from diner_agent.clock import Clock

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(self, clock: Clock, failures: int = 3, reset: float = 30.0) -> None:
        self._clock = clock
        self._threshold = failures
        self._reset = reset
        self._lock = threading.Lock()
        self._state: State = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started = 0.0

    @property
    def state(self) -> State:
        with self._lock:
            if self._state == "open" and self._clock.monotonic() - self._opened_at >= self._reset:
                return "half_open"
            return self._state

    def allow(self) -> bool:
        """May a request go to this provider now? In half-open state, True for exactly one caller."""
        with self._lock:
            now = self._clock.monotonic()
            if self._state == "closed":
                return True
            if self._state == "open":
                if now - self._opened_at < self._reset:
                    return False
                self._state = "half_open"
                self._probe_started = now
                return True
            # Half-open with a probe in flight. A probe whose caller vanished without reporting
            # (an abandoned stream) must not wedge the breaker, so it expires after `reset` seconds.
            if now - self._probe_started >= self._reset:
                self._probe_started = now
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._state = "closed"
            self._failures = 0

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state == "half_open" or self._failures >= self._threshold:
                self._state = "open"
                self._opened_at = self._clock.monotonic()
                self._failures = 0

    def retry_in(self) -> float:
        """Seconds until the next probe may be attempted (0 when requests are allowed)."""
        with self._lock:
            if self._state != "open":
                return 0.0
            return max(0.0, self._reset - (self._clock.monotonic() - self._opened_at))
