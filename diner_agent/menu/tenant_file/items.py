"""A tenant file's menu merged into the stored items, keeping what owners did by text.

Items are matched by their stable key (an item's `key:`, else a slug of its name; rows stored before keys
existed are matched by name and given one). A changed name with the same key is a rename of the same row,
so "86 club" never meets two clubs. Items missing from the file stay (owners add them by text) unless
`prune` hides them, as removing by text does, for audit and UNDO; `reset` deletes them and takes the
file's prices and availability. Removed items stay removed unless `reset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from diner_agent.menu import models as m
from diner_agent.menu.keys import slug
from diner_agent.menu.prices import price_text
from diner_agent.menu.tenant_file.schema import TenantEntry


@dataclass
class MenuDiff:
    """What one load did (or, in a dry run, would do) to one diner's menu, in words for the operator."""

    added: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # on the stored menu, not in the file, left as they are

    def lines(self, tenant_id: str) -> list[str]:
        out = [f"{tenant_id}: add {name}" for name in self.added]
        out += [f"{tenant_id}: rename {text}" for text in self.renamed]
        out += [f"{tenant_id}: remove {name}" for name in self.removed]
        out += [f"{tenant_id}: reset {text}" for text in self.reset]
        out += [f"{tenant_id}: keep {name} (not in the file; --prune removes it)" for name in self.kept]
        return out


def merge_items(s, entry: TenantEntry, *, reset: bool, prune: bool, now: datetime) -> MenuDiff:  # type: ignore[no-untyped-def]
    diff = MenuDiff()
    rows = list(s.scalars(select(m.Item).where(m.Item.tenant_id == entry.id).order_by(m.Item.id)))
    by_key = {r.key: r for r in rows if r.key}
    by_name = {r.name.lower(): r for r in rows if not r.key}
    matched: set[int] = set()
    for position, spec in enumerate(entry.menu):
        key = spec.key or slug(spec.name)
        row = by_key.get(key) or by_name.get(spec.name.lower())
        if row is not None and row.id in matched:
            row = None
        if row is None:
            row = m.Item(tenant_id=entry.id, price_cents=spec.price, available=spec.available, name=spec.name)
            s.add(row)
            diff.added.append(spec.name)
        else:
            matched.add(row.id)
            if row.name != spec.name:
                diff.renamed.append(f"{row.name} -> {spec.name}")
            if reset:
                _reset(row, spec, diff)
        row.key = key
        row.name = spec.name
        row.category = spec.category
        row.aliases = list(spec.aliases)
        row.position = position
        s.flush()  # one name at a time: a rename may free a name the next item takes
        matched.add(row.id)
    for row in rows:
        if row.id in matched or row.removed_at is not None or row.special_until is not None:
            continue
        if reset:
            s.delete(row)
            diff.removed.append(row.name)
        elif prune:
            row.removed_at = now
            diff.removed.append(row.name)
        else:
            diff.kept.append(row.name)
    return diff


def _reset(row, spec, diff: MenuDiff) -> None:  # type: ignore[no-untyped-def]
    if row.price_cents != spec.price:
        diff.reset.append(f"{spec.name} price {price_text(row.price_cents)} -> {price_text(spec.price)}")
    if row.available != spec.available or row.sold_out_until is not None:
        diff.reset.append(f"{spec.name} {'available' if spec.available else 'sold out'}")
    if row.removed_at is not None:
        diff.reset.append(f"{spec.name} back on the menu")
    row.price_cents = spec.price
    row.available = spec.available
    row.sold_out_until = None
    row.removed_at = None
