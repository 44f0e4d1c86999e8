"""The inbox: inbound message ids already handled, and the reply each one got.

A message id is recorded, with its reply, inside the same transaction as the changes it made, so a
provider's retry (Twilio's MessageSid, Slack's event_id) can never apply anything twice, on any
worker: the second to record an id finds it taken and rolls its own work back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from diner_agent.menu import models as m
from diner_agent.menu.transaction import Transaction

# Statements of the hot path, built once: building SQL expressions costs more than running them.
_RECORD_SQLITE = sqlite_insert(m.ProcessedMessage).on_conflict_do_nothing().returning(m.ProcessedMessage.message_id)
_RECORD_PG = pg_insert(m.ProcessedMessage).on_conflict_do_nothing().returning(m.ProcessedMessage.message_id)
STORED_REPLY = select(m.ProcessedMessage.reply).where(
    m.ProcessedMessage.channel == bindparam("b_channel"), m.ProcessedMessage.message_id == bindparam("b_message_id")
)


@dataclass(slots=True)
class SqlInbox:
    _txn: Transaction

    def record(self, channel: str, message_id: str, reply: str) -> bool:
        txn = self._txn
        values = {
            "channel": channel,
            "message_id": message_id,
            "tenant_id": txn.tenant_id,
            "reply": reply,
            "at": txn.now,
        }
        insert = _RECORD_PG if txn.conn.dialect.name == "postgresql" else _RECORD_SQLITE
        # RETURNING, not rowcount: some drivers report no rowcount for INSERT ... ON CONFLICT DO NOTHING.
        return txn.conn.execute(insert, values).first() is not None
