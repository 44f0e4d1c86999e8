"""A thread pool that knows when the work it was given is done (Bolt's listener executor)."""

from __future__ import annotations

import contextvars
from concurrent.futures import Future, ThreadPoolExecutor

from diner_agent.channels.unfinished import Unfinished


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener threads, counting work that was acked but is not finished yet.

    Events are acked before they are processed, so "the HTTP request is done" says nothing about the
    work; `wait_idle` lets a graceful shutdown (and a test) wait for what Slack was already told is done.
    """

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="slack-listener")
        self._unfinished = Unfinished()

    def submit(self, fn, /, *args, **kwargs) -> Future:  # type: ignore[no-untyped-def, override]
        self._unfinished.started()
        try:
            # Bolt hands work over on the request's thread: a copy of its context (the request id)
            # goes along, so the listener's log lines name the request they came from.
            future = super().submit(contextvars.copy_context().run, fn, *args, **kwargs)
        except BaseException:
            self._unfinished.finished()
            raise
        future.add_done_callback(self._unfinished.finished)
        return future

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every submitted listener has finished; False if `timeout` ran out first."""
        return self._unfinished.wait_idle(timeout)
