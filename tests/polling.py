"""Waiting for what happens on another thread or process (a late answer texted, a row written), by polling
with a deadline: a condition that never comes true fails the test after `timeout`, it never hangs."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.02) -> bool:
    """Whether `condition()` became true within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
