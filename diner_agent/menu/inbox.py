"""The inbox: inbound message ids already handled, and the reply each one got.

A message id is claimed inside the same transaction as the changes it makes, so a provider's retry
(Twilio's MessageSid, Slack's event_id) can never apply anything twice, on any worker.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from diner_agent.menu import models as m
from diner_agent.menu.transaction import Transaction

# Statements of the hot path, built once: building SQL expressions costs more than running them.
_CLAIM_SQLITE = sqlite_insert(m.ProcessedMessage).on_conflict_do_nothing().returning(m.ProcessedMessage.message_id)
_CLAIM_PG = pg_insert(m.ProcessedMessage).on_conflict_do_nothing().returning(m.ProcessedMessage.message_id)
_MESSAGE = and_(
    m.ProcessedMessage.channel == bindparam("b_channel"), m.ProcessedMessage.message_id == bindparam("b_message_id")
)
STORED_REPLY = select(m.ProcessedMessage.reply).where(_MESSAGE)
_SET_REPLY = update(m.ProcessedMessage).where(_MESSAGE).values(reply=bindparam("b_reply"))


class SqlInbox:
    def __init__(self, txn: Transaction) -> None:
        self._txn = txn

    def claim(self, channel: str, message_id: str) -> bool:
        txn = self._txn
        values = {"channel": channel, "message_id": message_id, "tenant_id": txn.tenant_id, "reply": "", "at": txn.now}
        claim = _CLAIM_PG if txn.conn.dialect.name == "postgresql" else _CLAIM_SQLITE
        # RETURNING, not rowcount: some drivers report no rowcount for INSERT ... ON CONFLICT DO NOTHING.
        return txn.conn.execute(claim, values).first() is not None

    def reply_to(self, channel: str, message_id: str) -> str | None:
        return self._txn.conn.scalar(STORED_REPLY, {"b_channel": channel, "b_message_id": message_id})

    def set_reply(self, channel: str, message_id: str, reply: str) -> None:
        self._txn.conn.execute(_SET_REPLY, {"b_channel": channel, "b_message_id": message_id, "b_reply": reply})
