"""Durable model work: a text that needs the model is recorded, answered "working on it" at once, worked
on by a fair bounded pool, and its answer sent from the outbox by a sender loop (docs/availability.md).

The webhook's request thread never waits for a model. `submit` records the text in the durable inbox
(claimed by this worker under a lease) and offers it to the `FairPool`; a full pool gives it back to
the inbox, where the poller takes it when there is room, round-robin across diners. A worker answers
it with the command service (the message id makes any second attempt apply nothing and return the
stored reply), and puts the channel's rendered answer in the outbox in the same transaction that
marks the text done. The sender loop claims unsent answers and hands each to its channel's
`Deliverer`: sent rows are marked sent; transient errors (connection errors, 5xx, 429) are retried
with exponential backoff (or the provider's Retry-After) until the delivery deadline; permanent
errors are stored with the row and listed on the admin page.

A worker that dies (a deploy, SIGKILL, a crash) stops renewing its leases; when they run out, any
worker, on any machine, resumes its unfinished texts and unsent answers. `close()` (gunicorn's
worker_exit) stops taking work, gives texts not started yet back to the inbox at once, waits for the
running ones and sends what is ready.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import timedelta

from diner_agent.channels.fair_pool import FairPool
from diner_agent.channels.work_ports import Deliverer, WorkQueue, WorkSettings
from diner_agent.clock import Clock
from diner_agent.commands.addressing import Addressed, Message
from diner_agent.commands.model import Reply
from diner_agent.commands.replies import SORRY
from diner_agent.commands.service import CommandService
from diner_agent.menu.errors import StoreUnavailable
from diner_agent.menu.work_records import InboundJob, OutboundJob, Outgoing

log = logging.getLogger(__name__)


class _Waiter:
    """A webhook waiting a moment for its text's answer."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.state = "waiting"  # -> "answered" (the reply is the webhook's) or "gone" (the outbox's)
        self.reply: Reply | None = None


class DurableWork:
    def __init__(
        self,
        queue: WorkQueue,
        service: CommandService,
        clock: Clock,
        deliverers: Mapping[str, Deliverer],
        settings: WorkSettings | None = None,
    ) -> None:
        settings = settings or WorkSettings()
        self.queue = queue
        self.service = service
        self.clock = clock
        self.deliverers = dict(deliverers)
        self.settings = settings
        self.pool = FairPool(settings.workers, per_tenant=settings.per_tenant, backlog=settings.backlog)
        self._claimed: set[int] = set()  # this process's texts: waiting in the pool or being worked on
        self._claimed_lock = threading.Lock()
        self._waiters: dict[int, _Waiter] = {}
        self._waiters_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake_inbox = threading.Event()
        self._wake_outbox = threading.Event()
        self._threads = [
            threading.Thread(target=self._loop, args=(self._wake_inbox, self._poll_inbox), name="inbox-poller"),
            threading.Thread(target=self._loop, args=(self._wake_outbox, self._send_due), name="outbox-sender"),
        ]
        for thread in self._threads:
            thread.daemon = True
            thread.start()

    def can_deliver(self, kind: str) -> bool:
        return kind in self.deliverers

    # --- taking texts on -------------------------------------------------------------------------------

    def submit(self, addressed: Addressed, reply_to: dict, *, wait: float = 0.0) -> Reply | None:
        """Record the text and take it on. The answer, if it is ready within `wait` seconds (a cached or
        quick model answer: it then goes back in the webhook's response, not through the outbox);
        else None, and the answer follows from the outbox. A provider's retry of a text taken on before
        gets its stored answer (`duplicate`) when there is one, else None again. Raises StoreUnavailable."""
        message = addressed.message
        job = self.queue.enqueue(
            message.channel,
            message.message_id or "",
            addressed.tenant.id,
            message.address,
            message.sender,
            message.text,
            {**reply_to, "sender_team": message.sender_team, "sender_name": message.sender_name},
        )
        if job is None:
            stored = self.service.menus.processed_reply(message.channel, message.message_id or "")
            return Reply(stored, "info", duplicate=True) if stored is not None else None
        waiter = _Waiter() if wait > 0 else None
        if waiter is not None:
            with self._waiters_lock:
                self._waiters[job.id] = waiter
        self._take(job, fresh=True)
        if waiter is None:
            return None
        waiter.done.wait(wait)
        with self._waiters_lock:
            self._waiters.pop(job.id, None)
            if waiter.state == "waiting":
                waiter.state = "gone"  # from now on the answer goes to the outbox
                return None
        waiter.done.wait(5.0)  # answered: its transaction is committing
        return waiter.reply  # None if that failed (the outbox answers later)

    def _take(self, job: InboundJob, *, fresh: bool) -> None:
        with self._claimed_lock:
            self._claimed.add(job.id)
        if not self.pool.offer(job.tenant_id, lambda: self._work(job)):
            self._forget(job.id)
            if fresh:
                try:
                    self.queue.release(job.id)  # the poller (here or elsewhere) takes it when there is room
                except StoreUnavailable:
                    pass  # its lease runs out instead
            self._wake_inbox.set()

    def _forget(self, job_id: int) -> None:
        with self._claimed_lock:
            self._claimed.discard(job_id)

    def _work(self, job: InboundJob) -> None:
        kind = job.reply_to.get("kind", "")
        deliverer = self.deliverers.get(kind)
        try:
            reply = self._answer(job)
            if reply is not None and self._answered_inline(job.id, reply):
                return
            outgoing = None
            if deliverer is not None and reply is not None and reply.text:
                outgoing = Outgoing(job.channel, job.message_id, job.tenant_id, job.reply_to, deliverer.body(reply))
            elif deliverer is None:
                log.error("no way to deliver %s answers here; text %s answered nowhere", kind, job.message_id)
            self.queue.finish(job.id, outgoing, deliver_within=self.settings.deliver_within)
        except StoreUnavailable:
            log.warning(
                "text %s not finished, the database is unavailable; resumed when its lease ends", job.message_id
            )
        finally:
            self._forget(job.id)
        self._wake_outbox.set()

    def _answered_inline(self, job_id: int, reply: Reply) -> bool:
        """Hand `reply` to a webhook still waiting for it (then nothing goes to the outbox)."""
        with self._waiters_lock:
            waiter = self._waiters.get(job_id)
            if waiter is None or waiter.state != "waiting":
                return False
            waiter.state = "answered"
        try:
            self.queue.finish(job_id, None, deliver_within=self.settings.deliver_within)
        except StoreUnavailable:
            waiter.done.set()  # no reply: the webhook says "working on it"; resumed when the lease ends
            raise
        waiter.reply = reply
        waiter.done.set()
        return True

    def _answer(self, job: InboundJob) -> Reply | None:
        message = Message(
            job.channel,  # type: ignore[arg-type]
            job.address,
            job.sender,
            job.text,
            message_id=job.message_id,
            sender_name=job.reply_to.get("sender_name"),
            sender_team=job.reply_to.get("sender_team"),  # a Slack Connect guest keeps its own workspace's role
        )
        try:
            addressed = self.service.address(message)
            if addressed is None:  # the diner was removed meanwhile
                return None
            return self.service.answer(addressed, deadline=self.clock.monotonic() + self.settings.late_limit)
        except StoreUnavailable:
            raise
        except Exception:
            log.exception("model work on text %s failed", job.message_id)
            return Reply(SORRY, "invalid")

    # --- the two loops ---------------------------------------------------------------------------------

    def _loop(self, wake: threading.Event, step) -> None:  # type: ignore[no-untyped-def]
        while not self._stop.is_set():
            try:
                step()
            except StoreUnavailable:
                pass  # the database is away: look again at the next poll
            except Exception:
                log.exception("%s failed", threading.current_thread().name)
            wake.wait(self.settings.poll_seconds)
            wake.clear()

    def _poll_inbox(self) -> None:
        with self._claimed_lock:
            mine = list(self._claimed)
        self.queue.renew(mine)
        room = min(self.pool.backlog, self.settings.backlog) - len(mine)
        for job in self.queue.claim(self.pool.room, room):
            log.info("resuming text %s for %s (attempt %d)", job.message_id, job.tenant_id, job.attempts)
            self._take(job, fresh=False)

    def _send_due(self) -> None:
        for out in self.queue.claim_outbound(20):
            self._deliver(out)

    def _deliver(self, out: OutboundJob) -> None:
        kind = out.outgoing.destination.get("kind", "")
        deliverer = self.deliverers.get(kind)
        if deliverer is None:
            self.queue.failed(out.id, f"no deliverer for {kind!r} on this worker")
            return
        result = deliverer.send(out.outgoing.destination, out.outgoing.body)
        if result.ok:
            self.queue.sent(out.id, result.provider_id)
            return
        if result.permanent:
            log.warning("answer to %s not delivered (permanent): %s", out.outgoing.message_id, result.error)
            self.queue.failed(out.id, result.error or "refused")
            return
        delay = result.retry_after if result.retry_after is not None else min(60.0, 2.0**out.attempts)
        when = self.clock.now() + timedelta(seconds=delay)
        if when > out.deadline_at:
            self.queue.failed(out.id, f"gave up after {out.attempts} attempts: {result.error}")
        else:
            self.queue.retry_at(out.id, when, result.error or "transient error")

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every text taken on is answered and every answer due is sent (tests, benchmarks)."""
        give_up = self.clock.monotonic() + timeout
        while self.clock.monotonic() < give_up:
            with self._claimed_lock:
                claimed = bool(self._claimed)
            if not claimed and self.queue.unsettled() == 0:
                return True
            self.wake()
            self._stop.wait(0.01)
        return False

    def wake(self) -> None:
        """Look at the inbox and the outbox now (tests, and after a restart)."""
        self._wake_inbox.set()
        self._wake_outbox.set()

    def close(self) -> None:
        """Stop taking work, give back what was not started, finish what runs, send what is ready."""
        self.pool.close(timeout=self.settings.drain_seconds, drop_waiting=True)
        self._stop.set()
        self.wake()
        for thread in self._threads:
            thread.join(self.settings.drain_seconds)
        with self._claimed_lock:
            unstarted, self._claimed = list(self._claimed), set()
        for job_id in unstarted:
            try:
                self.queue.release(job_id)
            except StoreUnavailable:
                break  # their leases run out instead
        try:
            self._send_due()
        except Exception:
            log.exception("sending the last answers before exit failed")
