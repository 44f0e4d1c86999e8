"""A port: what the command layer needs from the store, reads of diners and menus and one unit of work per
message.

`Menus.unit_of_work(tenant, actor, message_id=...)` opens one write transaction for one diner: every
change made through it, its audit entries, the message's recorded reply and any confirmation commit
together or not at all (an exception rolls everything back). Its parts follow the store's jobs: the
inbox of processed message ids, item edits, hours and closures, the audit trail (and undo), and
pending confirmations. Every handler writes through these protocols only, so the command service runs
the same against the SQL store (diner_agent.menu) and the in-memory fake in tests/fakes.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Protocol

from diner_agent.menu.records import (
    Actor,
    AuditRecord,
    Change,
    Interval,
    MenuItem,
    MenuSnapshot,
    PendingRecord,
    TokenHolder,
)


class Inbox(Protocol):
    """Inbound message ids already handled, with the reply each got (so a retry gets the same one)."""

    def record(self, channel: str, message_id: str, reply: str) -> bool:
        """Record the id with its reply; False when it was already answered (by this or a concurrent
        worker), and then the unit of work must not commit (its writes would apply a retry)."""
        ...


class ItemEdits(Protocol):
    """Prices and availability; each change is audited."""

    def item(self, item_id: int) -> MenuItem | None: ...

    def set_price(self, item_id: int, cents: int) -> Change:
        """Raises LookupError when the item is not on this diner's menu."""
        ...

    def set_available(self, item_id: int, available: bool) -> Change: ...


class ScheduleEdits(Protocol):
    """Weekly and one-day hours, and emergency closures; each change is audited."""

    def hours(self, day: str | date) -> tuple[Interval, ...] | None:
        """Stored intervals for a weekday key or a date; None when nothing is stored for it."""
        ...

    def set_hours(self, day: str | date, intervals: tuple[Interval, ...] | None) -> Change:
        """For a weekday, () and None both mean closed; for a date, None removes its special hours."""
        ...

    def start_closure(self, reason: str | None, until: datetime | None) -> Change: ...

    def end_closure(self) -> Change: ...

    def closure_open(self, closure_id: int) -> bool: ...

    def end_closure_by_id(self, closure_id: int) -> Change: ...

    def reactivate_closure(self, closure_id: int) -> Change: ...


class AuditTrail(Protocol):
    """Who changed what, in batches (one per unit of work), and undo of a batch."""

    batch_id: str
    changes: list[Change]  # this unit of work's, in order

    def last_batch(self, within: timedelta) -> list[AuditRecord]:
        """The actor's latest batch within `within` that is not undone (oldest entry first)."""
        ...

    def batch(self, batch_id: str) -> list[AuditRecord]:
        """This diner's batch with that id, whoever made it (oldest entry first); empty if none."""
        ...

    def undoing(self) -> None:
        """Audit the changes that follow as an undo."""
        ...

    def mark_undone(self, batch_id: str) -> None: ...


class PendingConfirmations(Protocol):
    """Changes waiting for a YES; each is resolved exactly once."""

    def create(self, commands: list[dict], prompt: str, ttl: timedelta) -> PendingRecord:
        """Store changes awaiting YES; the actor's older pending request is superseded."""
        ...

    def get(self, pending_id: str | None = None) -> PendingRecord | None:
        """By id, or else the actor's latest one (any status: callers check)."""
        ...

    def resolve(self, pending_id: str, status: str, outcome: str) -> bool:
        """Move it out of `pending` exactly once; False if it already was."""
        ...


class UnitOfWork(Protocol):
    now: datetime  # the one instant every change in it is stamped with
    inbox: Inbox
    items: ItemEdits
    schedule: ScheduleEdits
    audit: AuditTrail
    pending: PendingConfirmations


class Menus(Protocol):
    """The store as the command layer sees it: reads hand out frozen records, writes go through units of work."""

    def snapshot_at(self, channel: str, address: str) -> MenuSnapshot | None:
        """The current snapshot of the diner a message on `channel` was sent to (its SMS number, Slack team
        id or web-chat token); None when no diner has that address."""
        ...

    def snapshot(self, tenant_id: str) -> MenuSnapshot:
        """The diner's current menu, hours, closures and staff; raises UnknownTenant."""
        ...

    def token_holder(self, token: str) -> TokenHolder | None:
        """Who holds this current web-chat token (the person and role the chat acts as); None if nobody."""
        ...

    def processed_reply(self, channel: str, message_id: str) -> str | None:
        """The reply already sent for this message id, if it was handled before (a read, no lock)."""
        ...

    def unit_of_work(
        self, tenant_id: str, actor: Actor, *, message_id: str | None = None
    ) -> AbstractContextManager[UnitOfWork]: ...
