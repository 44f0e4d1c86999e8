"""What the store refuses, in terms the layers above can catch without importing SQLAlchemy."""

from __future__ import annotations


class UnknownTenant(LookupError):
    """No diner with that id (or it was removed)."""


class NameTaken(ValueError):
    """Another item on this diner's menu already has that name (names are unique per diner)."""
