"""UsageSink: AI usage rows written off the request path, in batches.

Every gateway call hands its record over while an owner's text (or a chat) is being answered. Writing
the row there would take the store's write lock (SQLite has one writer) in the middle of that request,
behind or in front of menu changes. So `record` only appends the record to an in-memory line (no lock
taken, no thread woken: waking the writer at every call would hand it the GIL in the middle of the
request), and one background thread writes what has lined up, a batch per transaction, every
`interval` seconds or as soon as `max_batch` records are waiting. The record becomes a row (`to_dict`)
on that thread too. `flush` waits until every row taken so far is stored (the dashboard reads after
it); `close` does that and stops the writer, so a clean shutdown loses nothing.

A row the line has no room for (the database unreachable for a long while) is dropped with a warning
rather than making a request wait; a batch that fails to store is logged, never raised: losing a
metrics row must not fail the owner's text.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Protocol

from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage.rows import record_calls

log = logging.getLogger(__name__)

MAX_QUEUED = 10_000
MAX_BATCH = 500
INTERVAL = 0.25  # seconds between batches when the line is short


class Recordable(Protocol):
    """What the gateway hands over (its CallRecord); only `to_dict()` is needed, which keeps the store
    independent of the gateway package."""

    def to_dict(self) -> dict: ...


class UsageSink:
    def __init__(
        self,
        store: MenuStore,
        *,
        max_queued: int = MAX_QUEUED,
        max_batch: int = MAX_BATCH,
        interval: float = INTERVAL,
    ) -> None:
        self.store = store
        self.max_queued = max_queued
        self.max_batch = max_batch
        self.interval = interval
        self.dropped = 0  # rows there was no room for
        self._line: deque[Recordable | threading.Event] = deque()  # append/popleft are atomic
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None
        self._closed = False

    def record(self, rec: Recordable) -> None:
        if self._closed:
            self._write([rec.to_dict()])  # a late call after shutdown: stored at once rather than lost
            return
        if len(self._line) >= self.max_queued:
            self.dropped += 1
            log.warning("AI usage queue full: dropped a usage row for %s", getattr(rec, "tenant", "?"))
            return
        self._line.append(rec)
        if self._writer is None:
            self._start()
        if len(self._line) >= self.max_batch:
            self._wake.set()

    def flush(self) -> None:
        """Return once every row recorded so far is stored (or its failure logged)."""
        if self._writer is None:
            return
        done = threading.Event()
        self._line.append(done)
        self._wake.set()
        while not done.wait(1.0):
            if self._writer is None or not self._writer.is_alive():
                self._drain()  # the writer stopped (close raced us): drain here
                return

    def close(self) -> None:
        """Store what is lined up, then stop the writer; later rows are stored at once. A second call does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer = self._writer
        if writer is not None:
            self._wake.set()
            writer.join()
        self._drain()  # anything that slipped in while the writer was stopping

    def _start(self) -> None:
        with self._lock:
            if self._writer is None and not self._closed:
                self._writer = threading.Thread(target=self._run, name="usage-writer", daemon=True)
                self._writer.start()

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.interval)
            self._wake.clear()
            self._drain()
        self._drain()

    def _drain(self) -> None:
        batch: list[dict] = []
        while True:
            try:
                item = self._line.popleft()
            except IndexError:
                break
            if isinstance(item, threading.Event):
                if batch:
                    self._write(batch)
                    batch = []
                item.set()
                continue
            batch.append(item.to_dict())
            if len(batch) >= self.max_batch:
                self._write(batch)
                batch = []
        if batch:
            self._write(batch)

    def _write(self, rows: list[dict]) -> None:
        try:
            record_calls(self.store, rows)
        except Exception:
            log.exception("could not store %d AI usage row(s)", len(rows))
