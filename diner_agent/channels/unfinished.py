"""A count of work taken on and not finished yet, that a graceful shutdown (or a test) can wait for.

Work a channel acknowledges before doing it (a Slack event, a late SMS answer) is invisible once the
HTTP request has returned; counting it is what lets `close()` and the tests know it is really done.
"""

from __future__ import annotations

import threading


class Unfinished:
    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def started(self) -> None:
        with self._idle:
            self._count += 1

    def finished(self, *_ignored: object) -> None:
        """One piece of work is done (usable as a Future's done-callback)."""
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once everything started has finished; False if `timeout` ran out first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout=timeout)
