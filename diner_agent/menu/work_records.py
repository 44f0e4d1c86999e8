"""What the durable inbox and outbox hand out: plain frozen records, free of SQL, so the channels and the
command layer can hold them (the tables and their claims live in `menu/work_queue.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class InboundJob:
    """A text taken on and answered "working on it", waiting for (or in) model work."""

    id: int
    channel: str
    message_id: str
    tenant_id: str
    address: str  # what the message was sent to (the diner's number, Slack team)
    sender: str
    text: str
    reply_to: dict  # how the answer goes back (the channel decides what it holds)
    attempts: int


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An answer to send: where to, and the channel's rendered body."""

    channel: str
    message_id: str  # the inbound message's id: one answer per message, ever
    tenant_id: str
    destination: dict
    body: dict


@dataclass(frozen=True, slots=True)
class OutboundJob:
    id: int
    outgoing: Outgoing
    attempts: int
    deadline_at: datetime


@dataclass(frozen=True, slots=True)
class DeliveryFailure:
    """An answer that could not be delivered, for the admin page."""

    tenant_id: str
    channel: str
    message_id: str
    created_at: datetime
    attempts: int
    error: str
