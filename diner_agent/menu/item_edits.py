"""Item edits: prices and availability, through Core statements built once (the hot path of most texts).

Each edit locks the item's row (Postgres), reads what it was, writes, and audits old and new. Availability
is read as it is at the unit of work's instant: an item sold out until a time that has passed is
available (see MenuItem.available_at), so its old value in the audit is what customers saw.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, select, update

from diner_agent.menu import models as m
from diner_agent.menu.audit import SqlAuditTrail
from diner_agent.menu.records import Change, MenuItem
from diner_agent.menu.snapshot_queries import ITEM_COLUMNS
from diner_agent.menu.transaction import Transaction

_THIS_ITEM = and_(m.Item.id == bindparam("b_id"), m.Item.tenant_id == bindparam("b_tenant"))
_ITEM = select(*ITEM_COLUMNS).where(_THIS_ITEM, m.Item.removed_at.is_(None))
_ITEM_FOR_UPDATE = (
    select(m.Item.id, m.Item.name, m.Item.price_cents, m.Item.available, m.Item.sold_out_until)
    .where(_THIS_ITEM, m.Item.removed_at.is_(None))
    .with_for_update()
)
_SET_PRICE = update(m.Item).where(_THIS_ITEM).values(price_cents=bindparam("b_cents"))
_SET_AVAILABLE = (
    update(m.Item).where(_THIS_ITEM).values(available=bindparam("b_available"), sold_out_until=bindparam("b_until"))
)


def until_text(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


@dataclass(slots=True)
class SqlItemEdits:
    _txn: Transaction
    _audit: SqlAuditTrail

    def _locked(self, item_id: int):  # type: ignore[no-untyped-def]
        row = self._txn.conn.execute(_ITEM_FOR_UPDATE, {"b_id": item_id, "b_tenant": self._txn.tenant_id}).first()
        if row is None:
            raise LookupError(f"item {item_id} is not on this tenant's menu")
        return row

    def item(self, item_id: int) -> MenuItem | None:
        row = self._txn.conn.execute(_ITEM, {"b_id": item_id, "b_tenant": self._txn.tenant_id}).first()
        if row is None:
            return None
        item = MenuItem(*row[:5], tuple(row.aliases or ()), *row[6:])
        if not item.available and item.available_at(self._txn.now):
            item = replace(item, available=True, sold_out_until=None)  # its sold-out time has passed
        return item

    def set_price(self, item_id: int, cents: int) -> Change:
        item = self._locked(item_id)
        change = Change("update_price", item.name, item.price_cents, cents)
        self._txn.conn.execute(_SET_PRICE, {"b_id": item_id, "b_tenant": self._txn.tenant_id, "b_cents": cents})
        self._audit.record(change, {"id": item.id, "price_cents": change.old}, {"id": item.id, "price_cents": cents})
        return change

    def set_available(self, item_id: int, available: bool, until: datetime | None = None) -> Change:
        """Sold out (until `until`, or until told when None) or back; `until` is ignored for back."""
        item = self._locked(item_id)
        now = self._txn.now
        expired = item.sold_out_until is not None and item.sold_out_until <= now
        was = bool(item.available) or expired
        was_until = None if was else item.sold_out_until
        until = None if available else until
        change = Change("toggle_available", item.name, was, available, until, was_until)
        params = {"b_id": item_id, "b_tenant": self._txn.tenant_id, "b_available": available, "b_until": until}
        self._txn.conn.execute(_SET_AVAILABLE, params)
        self._audit.record(
            change,
            {"id": item.id, "available": was, "until": until_text(was_until)},
            {"id": item.id, "available": available, "until": until_text(until)},
        )
        return change
