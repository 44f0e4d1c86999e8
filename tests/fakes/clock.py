"""A settable clock: time moves only when a test says so."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

# Thursday 2026-11-26, 10:00 in New York: inside every sample diner's weekday hours.
DEFAULT_START = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment
