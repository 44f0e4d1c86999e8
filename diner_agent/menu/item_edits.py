"""Item edits: prices and availability, through Core statements built once (the hot path of most texts).

Each edit locks the item's row (Postgres), reads what it was, writes, and audits old and new.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select, update

from diner_agent.menu import models as m
from diner_agent.menu.audit import SqlAuditTrail
from diner_agent.menu.records import Change, MenuItem
from diner_agent.menu.transaction import Transaction

_THIS_ITEM = and_(m.Item.id == bindparam("b_id"), m.Item.tenant_id == bindparam("b_tenant"))
_ITEM = select(m.Item.id, m.Item.name, m.Item.category, m.Item.price_cents, m.Item.available, m.Item.aliases).where(
    _THIS_ITEM
)
_ITEM_FOR_UPDATE = (
    select(m.Item.id, m.Item.name, m.Item.price_cents, m.Item.available).where(_THIS_ITEM).with_for_update()
)
_SET_PRICE = update(m.Item).where(_THIS_ITEM).values(price_cents=bindparam("b_cents"))
_SET_AVAILABLE = update(m.Item).where(_THIS_ITEM).values(available=bindparam("b_available"))


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
        return None if row is None else MenuItem(*row[:5], tuple(row.aliases or ()))

    def set_price(self, item_id: int, cents: int) -> Change:
        item = self._locked(item_id)
        change = Change("update_price", item.name, item.price_cents, cents)
        self._txn.conn.execute(_SET_PRICE, {"b_id": item_id, "b_tenant": self._txn.tenant_id, "b_cents": cents})
        self._audit.record(change, {"id": item.id, "price_cents": change.old}, {"id": item.id, "price_cents": cents})
        return change

    def set_available(self, item_id: int, available: bool) -> Change:
        item = self._locked(item_id)
        change = Change("toggle_available", item.name, item.available, available)
        params = {"b_id": item_id, "b_tenant": self._txn.tenant_id, "b_available": available}
        self._txn.conn.execute(_SET_AVAILABLE, params)
        self._audit.record(change, {"id": item.id, "available": change.old}, {"id": item.id, "available": available})
        return change
