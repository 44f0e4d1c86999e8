"""SqlUnitOfWork: the command layer's unit of work (commands.unit_of_work) on the SQL store.

Made only by `MenuStore.unit_of_work()`, which locks the diner's row first and commits or rolls back
everything at once; its parts share the one transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection

from diner_agent.menu.audit import SqlAuditTrail
from diner_agent.menu.catalog_edits import SqlCatalogEdits
from diner_agent.menu.inbox import SqlInbox
from diner_agent.menu.item_edits import SqlItemEdits
from diner_agent.menu.pending import SqlPending
from diner_agent.menu.records import Actor
from diner_agent.menu.schedule_edits import SqlScheduleEdits
from diner_agent.menu.transaction import Transaction


class SqlUnitOfWork:
    def __init__(
        self, conn: Connection, tenant_id: str, actor: Actor, *, now: datetime, message_id: str | None
    ) -> None:
        txn = Transaction(conn, tenant_id, actor, now, message_id, str(uuid.uuid4()))
        self.now = now
        self.inbox = SqlInbox(txn)
        self.audit = SqlAuditTrail(txn, txn.batch_id)
        self.items = SqlItemEdits(txn, self.audit)
        self.catalog = SqlCatalogEdits(txn, self.audit)
        self.schedule = SqlScheduleEdits(txn, self.audit)
        self.pending = SqlPending(txn)

    def finish(self) -> None:
        """Called by MenuStore.unit_of_work() just before commit."""
        self.audit.finish()
