"""Answer Twilio within its webhook window, even when understanding a text takes longer.

Twilio waits 15 s for our TwiML (connect time included) and then gives up. The grammar answers in
microseconds, but a free-form text may wait for a queued LLM slot or a slow upstream. So the webhook
waits at most `reply_within` seconds (8 by default): if the answer is ready it goes back in the TwiML
as usual; if not, the owner gets "working on it" now and the real answer by SMS through Twilio's REST
API as soon as it exists. The answer is recorded under the MessageSid like any other, so nothing is
applied twice whatever Twilio does.

Without TWILIO_ACCOUNT_SID nothing can be sent later, so the work is given a deadline instead: the
gateway stops in time and the owner gets the grammar's own answer within the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from diner_agent.bots.phone import mask
from diner_agent.clock import Clock, SystemClock

if TYPE_CHECKING:  # sms_outbound imports sms, which imports this module
    from diner_agent.bots.sms_outbound import SmsSender

log = logging.getLogger(__name__)

HOLD_ON = "Got it, working on that one. I'll text you the answer in a moment."
# How long a late answer may still take after the webhook has been answered (queued LLM call + retries).
LATE_LIMIT_SECONDS = 120.0

Work = Callable[[float | None], str | None]  # deadline (clock.monotonic()) -> reply text


class LateAnswers:
    def __init__(
        self, sender: SmsSender | None, *, reply_within: float = 8.0, workers: int = 8, clock: Clock | None = None
    ) -> None:
        self.sender = sender
        self.clock = clock or SystemClock()
        self.reply_within = reply_within
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sms-late") if sender else None

    def answer(self, work: Work, *, to: str, from_: str) -> str | None:
        """The reply for the TwiML now: the real one, or HOLD_ON with the real one texted when ready."""
        if self._pool is None:
            return work(self.clock.monotonic() + self.reply_within)
        future: Future[str | None] = self._pool.submit(work, self.clock.monotonic() + LATE_LIMIT_SECONDS)
        try:
            return future.result(timeout=self.reply_within)
        except FutureTimeout:
            log.info("SMS to %s: answer not ready in %.0f s; replying later by SMS", mask(to), self.reply_within)
            future.add_done_callback(lambda done: self._deliver(done, to=to, from_=from_))
            return HOLD_ON

    def _deliver(self, done: Future[str | None], *, to: str, from_: str) -> None:
        assert self.sender is not None
        try:
            text = done.result()
        except Exception:
            log.exception("late SMS answer failed")
            text = "Sorry, something went wrong with that one. Please try again."
        if text:
            self.sender.send(to, from_, text)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
