"""Answer within a channel's time budget, else follow up later: what the SMS and Slack channels share.

Twilio waits 15 s for our TwiML and Slack 3 s for an ack. The grammar answers in microseconds, but a
free-form text may wait for a queued LLM slot or a slow upstream. So a channel hands its work here with
the seconds it may wait. An answer ready within that budget comes straight back (into the TwiML, into
the ack); otherwise `answer` returns None at once (the channel says "working on it") and
`deliver_later` gets the answer as soon as it exists (a text through Twilio's REST API, a post to
Slack's response_url). The command service records the answer under the message id like any other, so
nothing is applied twice whatever Twilio or Slack do meanwhile.

Without `deliver_later` nothing could be sent later, so the work runs right here with the budget as its
deadline: the gateway stops in time, and the sender gets the grammar's own answer within the window.

`Followups` is the seam the channels see. `InProcessFollowups` keeps the late work in this process's
thread pool; a durable outbox with a fair, bounded pool can take its place without a channel changing.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Protocol, TypeVar

from diner_agent.channels.unfinished import Unfinished
from diner_agent.clock import Clock

log = logging.getLogger(__name__)

R = TypeVar("R")
# How long late work may still take after the channel has answered (a queued LLM call and retries).
LATE_LIMIT_SECONDS = 120.0


class Followups(Protocol):
    def answer(
        self, work: Callable[[float | None], R], budget: float, deliver_later: Callable[[R | None], None] | None
    ) -> R | None:
        """`work(deadline)`'s result if it is ready within `budget` seconds (deadlines are absolute
        `clock.monotonic()` values). Otherwise None now, and `deliver_later(result)` once it exists, or
        `deliver_later(None)` if the work failed (the failure is logged). Without `deliver_later` the work
        runs at once with `budget` as its deadline, and its result (or its exception) is the answer."""
        ...

    def close(self) -> None:
        """Finish the late work already taken on (a clean shutdown loses none), then stop."""
        ...


class InProcessFollowups:
    """Late work on a thread pool of this process, counted so a shutdown (or a test) can wait for it."""

    def __init__(self, clock: Clock, *, workers: int = 8, late_limit: float = LATE_LIMIT_SECONDS) -> None:
        self.clock = clock
        self.late_limit = late_limit
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="followup")
        self._unfinished = Unfinished()

    def answer(
        self, work: Callable[[float | None], R], budget: float, deliver_later: Callable[[R | None], None] | None
    ) -> R | None:
        if deliver_later is None:
            return work(self.clock.monotonic() + budget)
        self._unfinished.started()
        # In a copy of this context: the late work's log lines name the same request and message.
        context = contextvars.copy_context()
        future: Future[R] = self._pool.submit(context.run, work, self.clock.monotonic() + self.late_limit)
        try:
            result = future.result(timeout=budget)
        except FutureTimeout:
            future.add_done_callback(lambda done: self._deliver(done, deliver_later))
            return None
        except BaseException:
            self._unfinished.finished()
            raise
        self._unfinished.finished()
        return result

    def _deliver(self, done: Future[R], deliver_later: Callable[[R | None], None]) -> None:
        try:
            try:
                result: R | None = done.result()
            except Exception:
                log.exception("a late answer failed")
                result = None
            deliver_later(result)
        except Exception:  # a delivery must never take the pool's thread down with it
            log.exception("a late answer could not be delivered")
        finally:
            self._unfinished.finished()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every late answer taken on has been delivered; False if `timeout` ran out first."""
        return self._unfinished.wait_idle(timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
