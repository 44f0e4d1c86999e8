"""What the menu is: items added (for good, or as a special until a time), renamed and removed by text.

Removing hides an item (its row stays, for the audit trail, UNDO and tenant-file reloads); adding a name
that a hidden row still holds (a removed item, a special that has ended) brings that row back with the
new price, since names are unique per diner. Each change is audited with what UNDO needs to revert it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from diner_agent.menu import models as m
from diner_agent.menu.audit import SqlAuditTrail
from diner_agent.menu.errors import NameTaken
from diner_agent.menu.item_edits import until_text
from diner_agent.menu.keys import slug
from diner_agent.menu.records import Change
from diner_agent.menu.transaction import Transaction


def _hidden(row: m.Item, now: datetime) -> bool:
    return row.removed_at is not None or (row.special_until is not None and row.special_until <= now)


@dataclass(slots=True)
class SqlCatalogEdits:
    _txn: Transaction
    _audit: SqlAuditTrail

    def _rows(self) -> list[m.Item]:
        s = self._txn.session
        return list(s.scalars(select(m.Item).where(m.Item.tenant_id == self._txn.tenant_id).with_for_update()))

    def _row(self, item_id: int) -> m.Item:
        row = self._txn.session.scalar(
            select(m.Item).where(m.Item.id == item_id, m.Item.tenant_id == self._txn.tenant_id).with_for_update()
        )
        if row is None:
            raise LookupError(f"item {item_id} is not on this tenant's menu")
        return row

    def add_item(self, name: str, category: str | None, cents: int, special_until: datetime | None = None) -> Change:
        """A new item (a special when `special_until` is given). Raises NameTaken for a name on the menu."""
        now, rows = self._txn.now, self._rows()
        same = next((r for r in rows if r.name.lower() == name.lower()), None)
        if same is not None and not _hidden(same, now):
            raise NameTaken(name)
        if same is None:
            keys = {r.key for r in rows}
            key, n = slug(name), 2
            while key in keys:
                key, n = f"{slug(name)}-{n}", n + 1
            same = m.Item(tenant_id=self._txn.tenant_id, key=key, aliases=[])
            self._txn.session.add(same)
        lowest = min((r.position for r in rows), default=0)
        highest = max((r.position for r in rows), default=0)
        same.name, same.category, same.price_cents = name, category, cents
        same.available, same.sold_out_until, same.removed_at = True, None, None
        same.special_until = special_until
        same.position = lowest - 1 if special_until is not None else highest + 1
        self._txn.session.flush()
        action = "add_special" if special_until is not None else "add_item"
        new = {"id": same.id, "name": name, "category": category, "price_cents": cents}
        new["special_until"] = until_text(special_until)
        change = Change(action, name, None, new, special_until)
        self._audit.record(change, None, new)
        return change

    def rename_item(self, item_id: int, name: str) -> Change:
        row = self._row(item_id)
        if row.removed_at is not None:
            raise LookupError(f"item {item_id} was removed")
        clash = self._txn.session.scalar(
            select(func.count())
            .select_from(m.Item)
            .where(
                m.Item.tenant_id == self._txn.tenant_id, func.lower(m.Item.name) == name.lower(), m.Item.id != item_id
            )
        )
        if clash:
            raise NameTaken(name)
        change = Change("rename_item", row.name, {"id": row.id, "name": row.name}, {"id": row.id, "name": name})
        row.name = name
        self._txn.session.flush()
        self._audit.record(change, change.old, change.new)
        return change

    def remove_item(self, item_id: int) -> Change:
        """Hide the item for good (undo: `restore_item`)."""
        row = self._row(item_id)
        old = {"id": row.id, "removed": row.removed_at is not None}
        row.removed_at = row.removed_at or self._txn.now
        self._txn.session.flush()
        change = Change("remove_item", row.name, old, {"id": row.id, "removed": True})
        self._audit.record(change, change.old, change.new)
        return change

    def restore_item(self, item_id: int) -> Change:
        row = self._row(item_id)
        old = {"id": row.id, "removed": row.removed_at is not None}
        row.removed_at = None
        self._txn.session.flush()
        change = Change("restore_item", row.name, old, {"id": row.id, "removed": False})
        self._audit.record(change, change.old, change.new)
        return change

    def removed(self, item_id: int) -> bool | None:
        """Whether the item is hidden (removed, or a special that has ended); None when it is not this diner's."""
        row = self._txn.session.get(m.Item, item_id)
        if row is None or row.tenant_id != self._txn.tenant_id:
            return None
        return _hidden(row, self._txn.now)
