"""UsageSink: AI usage rows written off the request path.

Every gateway call hands its record over while an owner's text (or a chat) is being answered. Writing
the row there would take the store's write lock (SQLite has one writer) in the middle of that request,
behind or in front of menu changes. So `record` only puts the row on a bounded queue, and one
background thread writes what has queued up, a batch per transaction. `flush` waits until every row
taken so far is stored (the dashboard reads after it); `close` does that and stops the writer, so a
clean shutdown loses nothing.

A row the queue has no room for (the database unreachable for a long while) is dropped with a warning
rather than making a request wait; a batch that fails to store is logged, never raised: losing a
metrics row must not fail the owner's text.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage.rows import record_calls

log = logging.getLogger(__name__)

MAX_QUEUED = 10_000
MAX_BATCH = 500
_STOP = None


class Recordable(Protocol):
    """What the gateway hands over (its CallRecord); only `to_dict()` is needed, which keeps the store
    independent of the gateway package."""

    def to_dict(self) -> dict: ...


class UsageSink:
    def __init__(self, store: MenuStore, *, max_queued: int = MAX_QUEUED, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.max_batch = max_batch
        self.dropped = 0  # rows there was no room for
        self._queue: queue.Queue[dict | None] = queue.Queue(maxsize=max_queued)
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._closed = False

    def record(self, rec: Recordable) -> None:
        row = rec.to_dict()
        with self._lock:
            if not self._closed:
                if self._writer is None:
                    self._writer = threading.Thread(target=self._run, name="usage-writer", daemon=True)
                    self._writer.start()
                try:
                    self._queue.put_nowait(row)
                except queue.Full:
                    self.dropped += 1
                    log.warning("AI usage queue full: dropped a usage row for %s", row.get("tenant"))
                return
        self._write([row])  # a late call after shutdown: stored at once rather than lost

    def flush(self) -> None:
        """Return once every row recorded so far is stored (or its failure logged)."""
        self._queue.join()

    def close(self) -> None:
        """Store what is queued, then stop the writer; later rows are stored at once. A second call does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer = self._writer
        if writer is not None:
            self._queue.put(_STOP)
            writer.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch = [] if first is _STOP else [first]
            stop = first is _STOP
            while not stop and len(batch) < self.max_batch:
                try:
                    row = self._queue.get_nowait()
                except queue.Empty:
                    break
                if row is _STOP:
                    stop = True
                else:
                    batch.append(row)
            if batch:
                self._write(batch)
            for _ in range(len(batch) + (1 if stop else 0)):
                self._queue.task_done()
            if stop:
                return

    def _write(self, rows: list[dict]) -> None:
        try:
            record_calls(self.store, rows)
        except Exception:
            log.exception("could not store %d AI usage row(s)", len(rows))
