"""AfterAck: a late `/menu` answer is delivered only after the "Working on it..." ack it follows."""

from __future__ import annotations

import threading
from collections.abc import Callable

from diner_agent.commands.model import Reply
from diner_agent.commands.replies import SORRY


class AfterAck:
    """Delivers a late `/menu` answer, but never before the "Working on it..." ack it follows (the work
    may finish the instant the ack budget runs out), and nothing for an answer given before."""

    def __init__(self, send: Callable[[Reply], object]) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._acked = False
        self._waiting: list[Reply | None] = []

    def __call__(self, reply: Reply | None) -> None:
        with self._lock:
            if not self._acked:
                self._waiting.append(reply)
                return
        self._deliver(reply)

    def acked(self) -> None:
        with self._lock:
            self._acked = True
            waiting, self._waiting = self._waiting, []
        for reply in waiting:
            self._deliver(reply)

    def _deliver(self, reply: Reply | None) -> None:
        reply = reply or Reply(SORRY, "invalid")
        if not reply.duplicate:
            self._send(reply)
