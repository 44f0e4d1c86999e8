"""Time, as an input: the one place the program reads the wall clock or the monotonic clock.

`create_app` (or the CLI) builds one `SystemClock` and hands it to the store, the command service, the
AI gateway, the channels and the workers, so every timestamp of a process comes from the same source and
a test can hand in its own clock instead (tests/fakes/clock.py). Two readings, for two jobs:

- `now()`: the current instant as an aware UTC datetime. What "today", opening hours, closures, audit
  rows and usage rows are computed from.
- `monotonic()`: seconds on a clock that never jumps, for deadlines, timeouts, TTLs and breakers.
  Deadlines handed between modules are absolute values of this clock.

Outside this module the only readers of real time are libraries that keep their own: Slack's
request-timestamp check inside Bolt, and the `limits` library's rate-limit windows (which is what lets
several processes agree on them through Redis; the limiter asks `library_epoch()` for the same base).
Stopwatch timings of latencies use `time.perf_counter`, which measures, never dates, anything.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, an aware datetime in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that only moves forward (deadlines are absolute values of it)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


def library_epoch() -> float:
    """Seconds since the epoch as libraries with their own wall-clock windows read them (`limits`):
    only for comparing with timestamps those libraries hand back, never for dating anything."""
    return time.time()
