"""Item keys: what stays the same when an item is renamed, so a tenant-file reload or a rename by text
changes the one row instead of making a second item."""

from __future__ import annotations

import re


def slug(name: str) -> str:
    """An item's default key: its first name, lower case, words joined by '-' ("Club Sandwich" -> club-sandwich)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:120] or "item"
