"""The seams of the durable model work (channels/durable.py): what a channel's late-answer sender
returns (`Delivery`), what it must do (`Deliverer`), the durable inbox/outbox it works on
(`WorkQueue`, implemented in SQL by menu/work_queue.py and wired in by the composition root), and
the pool's settings."""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from typing import Protocol

from diner_agent.commands.model import Reply
from diner_agent.menu.work_records import InboundJob, OutboundJob, Outgoing


@dataclass(frozen=True, slots=True)
class Delivery:
    ok: bool
    provider_id: str | None = None
    permanent: bool = False  # no retry can fix it (opted out, an expired response_url, a bad address)
    retry_after: float | None = None  # the provider said when (a 429's Retry-After)
    error: str = ""


class Deliverer(Protocol):
    """One way of sending an answer (an SMS, a post to Slack's response_url, a Slack message)."""

    def body(self, reply: Reply) -> dict:
        """The channel's rendering of `reply`, stored in the outbox as it will be sent."""
        ...

    def send(self, destination: dict, body: dict) -> Delivery: ...


class WorkQueue(Protocol):
    """The durable inbox and outbox (menu/work_queue.py's SqlWorkQueue)."""

    worker: str

    def enqueue(
        self, channel: str, message_id: str, tenant_id: str, address: str, sender: str, text: str, reply_to: dict
    ) -> InboundJob | None: ...
    def release(self, job_id: int) -> None: ...
    def claim(self, room, limit: int) -> list[InboundJob]: ...  # type: ignore[no-untyped-def]
    def renew(self, job_ids: list[int]) -> None: ...
    def finish(self, job_id: int, outgoing: Outgoing | None, *, deliver_within: float) -> None: ...
    def claim_outbound(self, limit: int) -> list[OutboundJob]: ...
    def sent(self, job_id: int, provider_id: str | None) -> None: ...
    def retry_at(self, job_id: int, when, error: str) -> None: ...  # type: ignore[no-untyped-def]
    def failed(self, job_id: int, error: str) -> None: ...
    def unsettled(self) -> int: ...


def worker_name() -> str:
    """This process, as its claims name it: host, pid and a random tag (pids are reused after restarts)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class WorkSettings:
    workers: int = 4  # model work threads per process
    per_tenant: int = 16  # one diner's texts taken on at once per process
    backlog: int = 64
    poll_seconds: float = 1.0  # how often the inbox and outbox are looked at (and leases renewed)
    late_limit: float = 120.0  # seconds one text's model work may take
    deliver_within: float = 600.0  # seconds an answer is retried for before it is marked failed
    drain_seconds: float = 8.0  # what close() waits for running work (gunicorn's graceful timeout is 10)


__all__ = ["Deliverer", "Delivery", "WorkQueue", "WorkSettings", "worker_name"]
