"""The per-tenant moving window in memory (one process, no Redis), in place of `limits`' MemoryStorage.

MemoryStorage expires its events with a `threading.Timer` that it starts again, as a new thread, on the
first hit after the previous timer ran out (10 ms later): on a quiet deployment that is a thread start
inside nearly every model call. Here each window is a deque of hit times, trimmed when it is read, under
one lock: the same moving-window semantics and the same interface as `MovingWindowRateLimiter` (`hit`,
`get_window_stats`), dated like `limits` dates its windows (`library_epoch`), and no thread at all.
"""

from __future__ import annotations

import threading
from collections import deque

from limits import RateLimitItem

from diner_agent.clock import library_epoch


class MemoryWindows:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def _window(self, item: RateLimitItem, key: str, now: float) -> deque[float]:
        name = item.key_for(key)
        hits = self._hits.get(name)
        if hits is None:
            hits = self._hits[name] = deque()
        start = now - item.get_expiry()
        while hits and hits[0] <= start:
            hits.popleft()
        return hits

    def hit(self, item: RateLimitItem, key: str) -> bool:
        """Take a slot in `key`'s window when it has one."""
        now = library_epoch()
        with self._lock:
            hits = self._window(item, key, now)
            if len(hits) >= item.amount:
                return False
            hits.append(now)
            return True

    def get_window_stats(self, item: RateLimitItem, key: str) -> tuple[float, int]:
        """(when the oldest hit leaves the window, as epoch seconds; slots free now)."""
        now = library_epoch()
        with self._lock:
            hits = self._window(item, key, now)
            if not hits:
                return now, item.amount
            return hits[0] + item.get_expiry(), item.amount - len(hits)
