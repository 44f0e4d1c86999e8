"""The driver's connection errors, turned into `StoreUnavailable`, with one retry where that is safe.

A dropped connection (the server restarted, `pg_terminate_backend`, a proxy cut it) surfaces as a
DBAPI error the first time the pooled connection is used after the drop; the pre-ping catches most of
these at checkout, but not a drop in the middle of a statement. A read is then simply run again on a
fresh connection (`retry_read`). A write transaction is retried one level up, by the command
service, which can run the whole unit of work again (`StoreUnavailable` from `unit_of_work`). A
database that is really down fails the retry too, and the layers above answer honestly.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from diner_agent.menu.errors import StoreUnavailable

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def is_outage(exc: BaseException) -> bool:
    """A lost or refused connection, a server going away, or no pooled connection in time; not a
    constraint violation or a bad statement (those are bugs, and must not be retried)."""
    if isinstance(exc, PoolTimeout | OperationalError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def unavailable(exc: BaseException) -> StoreUnavailable:
    log.warning("database unavailable: %s", exc.__class__.__name__)
    return StoreUnavailable(f"The database is unavailable ({exc.__class__.__name__}).")


def retry_read(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a read again once on a fresh connection after an outage error; StoreUnavailable if that fails too."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except (DBAPIError, PoolTimeout) as exc:
            if not is_outage(exc):
                raise
            log.info("a read failed on a dropped connection (%s); once more", exc.__class__.__name__)
        try:
            return fn(*args, **kwargs)
        except (DBAPIError, PoolTimeout) as exc:
            if not is_outage(exc):
                raise
            raise unavailable(exc) from exc

    return wrapper
