"""What the store refuses, in terms the layers above can catch without importing SQLAlchemy."""

from __future__ import annotations


class UnknownTenant(LookupError):
    """No diner with that id (or it was removed)."""


class StoreUnavailable(RuntimeError):
    """The database could not be reached or dropped the connection mid-transaction; nothing was saved.

    `retry_after` is a hint, in seconds, for whoever answers the sender ("text it again in a minute",
    a 503's Retry-After). Raised instead of the driver's errors, so the layers above can answer
    honestly without knowing SQL."""

    def __init__(self, message: str = "The database is unavailable.", *, retry_after: int = 30) -> None:
        super().__init__(message)
        self.retry_after = retry_after
