"""How many web chat answers run at once: a cap per diner and one for the whole process.

A chat answer may stream from the model for many seconds on a request thread (gunicorn's gthread
workers have a handful). Without a cap, a few open chats could take every thread, and a text from
Twilio would wait behind them. Beyond either cap a request is answered at once with 429 and
`Retry-After`, in OpenAI's error format, so clients back off the way they already know how.
"""

from __future__ import annotations

import threading


class ChatAdmission:
    def __init__(self, total: int = 3, per_diner: int = 2) -> None:
        self.total = total
        self.per_diner = per_diner
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}
        self._all = 0

    def enter(self, tenant: str) -> bool:
        """Take a slot for `tenant`; False when its own cap or the process's is reached."""
        with self._lock:
            mine = self._running.get(tenant, 0)
            if mine >= self.per_diner or self._all >= self.total:
                return False
            self._running[tenant] = mine + 1
            self._all += 1
            return True

    def leave(self, tenant: str) -> None:
        with self._lock:
            left = self._running.get(tenant, 0) - 1
            if left > 0:
                self._running[tenant] = left
            else:
                self._running.pop(tenant, None)
            self._all -= 1
