"""The one write transaction a unit of work runs in, shared by its parts (inbox, edits, audit, pending).

Core statements go through `conn`; the less frequent changes (hours, closures, confirmations) use an ORM
session on the same connection, made only when one of them needs it. Every query of every part is
filtered by `tenant_id`, so no operation can reach another diner's rows whatever ids it is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from diner_agent.menu.records import Actor


@dataclass(slots=True)
class Transaction:
    conn: Connection
    tenant_id: str
    actor: Actor
    now: datetime
    message_id: str | None
    batch_id: str  # the audit batch of this transaction's changes
    _session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.conn, expire_on_commit=False, autoflush=True)
        return self._session

    def flush(self) -> None:
        """Rows the ORM made (hours, closures) go to the database, in the order they happened."""
        if self._session is not None:
            self._session.flush()


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
