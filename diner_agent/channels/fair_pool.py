"""A bounded pool for model work that is fair between diners.

One queue per diner and a fixed number of worker threads that take the next job round-robin across
the diners with work waiting: a diner who sends fifty free-form texts at once occupies at most its
share, and another diner's one text is taken by the next free thread, not after the fifty. Bounded
twice: at most `per_tenant` jobs of one diner (waiting or running) and `backlog` jobs in all; a job
offered beyond that is refused, and the caller leaves it in the durable inbox for later
(`channels/durable.py`), so refusing loses nothing.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable

log = logging.getLogger(__name__)

Job = Callable[[], None]


class FairPool:
    def __init__(self, workers: int = 4, *, per_tenant: int = 16, backlog: int = 64, name: str = "ai-work") -> None:
        self.per_tenant = per_tenant
        self.backlog = backlog
        self._lock = threading.Condition()
        self._queues: OrderedDict[str, deque[Job]] = OrderedDict()  # diners with work waiting, in turn order
        self._load: dict[str, int] = {}  # per diner: waiting + running
        self._size = 0  # waiting + running, all diners
        self._closing = False
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{n}", daemon=True) for n in range(workers)]
        for thread in self._threads:
            thread.start()

    def room(self, tenant: str) -> int:
        """How many more jobs of `tenant` would be taken now."""
        with self._lock:
            if self._closing:
                return 0
            return max(0, min(self.per_tenant - self._load.get(tenant, 0), self.backlog - self._size))

    def offer(self, tenant: str, job: Job) -> bool:
        """Queue `job` for `tenant`; False (and nothing queued) when the pool is full for it or closing."""
        with self._lock:
            if self._closing or self._load.get(tenant, 0) >= self.per_tenant or self._size >= self.backlog:
                return False
            self._queues.setdefault(tenant, deque()).append(job)
            self._load[tenant] = self._load.get(tenant, 0) + 1
            self._size += 1
            self._lock.notify()
            return True

    def _next(self) -> tuple[str, Job] | None:
        with self._lock:
            while not self._queues:
                if self._closing:
                    return None
                self._lock.wait()
            tenant, queue = next(iter(self._queues.items()))
            job = queue.popleft()
            del self._queues[tenant]
            if queue:
                self._queues[tenant] = queue  # to the back of the line: the next diner goes next
            return tenant, job

    def _run(self) -> None:
        while (taken := self._next()) is not None:
            tenant, job = taken
            try:
                job()
            except Exception:  # a job must never take a worker thread down with it
                log.exception("model work for %s failed", tenant)
            finally:
                with self._lock:
                    self._load[tenant] -= 1
                    if not self._load[tenant]:
                        del self._load[tenant]
                    self._size -= 1
                    self._lock.notify_all()

    def waiting(self) -> dict[str, int]:
        with self._lock:
            return {tenant: len(queue) for tenant, queue in self._queues.items()}

    def close(self, timeout: float | None = None, *, drop_waiting: bool = False) -> None:
        """Take no more jobs; drop the jobs not started yet (`drop_waiting`: their owner gives them back
        to the durable inbox) or run them; then wait up to `timeout` seconds for the running ones."""
        with self._lock:
            self._closing = True
            if drop_waiting:
                for tenant, queue in self._queues.items():
                    self._load[tenant] -= len(queue)
                    self._size -= len(queue)
                self._queues.clear()
            self._lock.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once nothing is waiting or running; False if `timeout` ran out first."""
        with self._lock:
            return self._lock.wait_for(lambda: self._size == 0, timeout=timeout)
