"""FakeCatalogEdits: items added, renamed, removed and restored in the fake store's state, with the SQL
store's semantics (tests/integration/commands/test_fake_store_agrees.py holds them to it): a removed item
moves to `state.removed` (hidden, kept), a hidden name is reused by an add, changes are audited alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from diner_agent.menu.errors import NameTaken
from diner_agent.menu.keys import slug
from diner_agent.menu.records import Change, MenuItem

if TYPE_CHECKING:
    from tests.fakes.unit_of_work import FakeUnitOfWork


def _utc(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


class FakeCatalogEdits:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self.work, self.state, self.tenant_id = work, work.state, work.tenant_id

    def _live(self) -> dict[int, MenuItem]:
        return self.state.items[self.tenant_id]

    def _gone(self) -> dict[int, MenuItem]:
        return self.state.removed.setdefault(self.tenant_id, {})

    def _ended(self, item: MenuItem) -> bool:
        return item.special_until is not None and item.special_until <= self.work.now

    def add_item(self, name: str, category: str | None, cents: int, special_until: datetime | None = None) -> Change:
        live, gone = self._live(), self._gone()
        everyone = {**live, **gone}
        same = next((i for i in everyone.values() if i.name.lower() == name.lower()), None)
        if same is not None and same.id in live and not self._ended(same):
            raise NameTaken(name)
        positions = [i.position for i in everyone.values()] or [0]
        position = min(positions) - 1 if special_until is not None else max(positions) + 1
        if same is None:
            keys, key, n = {i.key for i in everyone.values()}, slug(name), 2
            while key in keys:
                key, n = f"{slug(name)}-{n}", n + 1
            same = MenuItem(self.state.next_id(), name, category, cents, True, (), position, key=key)
        gone.pop(same.id, None)
        live[same.id] = replace(
            same, name=name, category=category, price_cents=cents, available=True, sold_out_until=None,
            special_until=special_until, position=position,
        )  # fmt: skip
        action = "add_special" if special_until is not None else "add_item"
        new = {"id": same.id, "name": name, "category": category, "price_cents": cents}
        new["special_until"] = _utc(special_until)
        change = Change(action, name, None, new, special_until)
        self.work.audit.record(change, None, new)
        return change

    def rename_item(self, item_id: int, name: str) -> Change:
        live = self._live()
        item = live.get(item_id)
        if item is None:
            raise LookupError(item_id)
        everyone = {**live, **self._gone()}
        if any(i.name.lower() == name.lower() and i.id != item_id for i in everyone.values()):
            raise NameTaken(name)
        change = Change("rename_item", item.name, {"id": item_id, "name": item.name}, {"id": item_id, "name": name})
        live[item_id] = replace(item, name=name)
        self.work.audit.record(change, change.old, change.new)
        return change

    def remove_item(self, item_id: int) -> Change:
        live, gone = self._live(), self._gone()
        item = live.pop(item_id, None) or gone.get(item_id)
        if item is None:
            raise LookupError(item_id)
        old = {"id": item_id, "removed": item_id in gone}
        gone[item_id] = item
        change = Change("remove_item", item.name, old, {"id": item_id, "removed": True})
        self.work.audit.record(change, change.old, change.new)
        return change

    def restore_item(self, item_id: int) -> Change:
        live, gone = self._live(), self._gone()
        item = gone.pop(item_id, None) or live.get(item_id)
        if item is None:
            raise LookupError(item_id)
        old = {"id": item_id, "removed": item_id not in live}
        live[item_id] = item
        change = Change("restore_item", item.name, old, {"id": item_id, "removed": False})
        self.work.audit.record(change, change.old, change.new)
        return change

    def removed(self, item_id: int) -> bool | None:
        if item_id in self._gone():
            return True
        item = self._live().get(item_id)
        return None if item is None else self._ended(item)
