"""One message being answered: what every handler gets, and the one step that records its reply.

`Turn.write(work)` is where idempotency lives: in one unit of work it claims the message id (a retry
gets the stored reply and nothing is applied), runs the handler's writes and records the reply, so a
retry can never apply anything twice and a crash can never leave half a change. An ApplyError from
the work rolls all of it back and is answered, and recorded, as "Nothing changed".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from diner_agent.commands.addressing import Addressed
from diner_agent.commands.apply import ApplyError
from diner_agent.commands.model import Inbound, Reply
from diner_agent.commands.replies import fit
from diner_agent.commands.unit_of_work import Menus, UnitOfWork
from diner_agent.menu.records import Actor, MenuSnapshot, TenantInfo

Work = Callable[[UnitOfWork], Reply]


@dataclass(frozen=True)
class Turn:
    menus: Menus
    addressed: Addressed
    now: datetime
    menu_link: str | None = None

    @property
    def inbound(self) -> Inbound:
        return self.addressed.inbound

    @property
    def snapshot(self) -> MenuSnapshot:
        return self.addressed.snapshot

    @property
    def tenant(self) -> TenantInfo:
        return self.addressed.snapshot.tenant

    @property
    def actor(self) -> Actor:
        """The sender; one with no role when they may not use this diner's bot (their replies are still
        recorded, under the channel's own name for them)."""
        actor = self.addressed.actor
        if actor is None:
            inbound = self.inbound
            return Actor(f"{inbound.channel}:{inbound.sender}", None, "none", inbound.channel)
        return actor

    @property
    def local(self) -> datetime:
        """Now in the diner's own time zone."""
        return self.now.astimezone(ZoneInfo(self.tenant.timezone))

    def remember(self, reply: Reply) -> Reply:
        """A reply that changes nothing, recorded under the message id so that a retry gets it again."""
        if not self.inbound.message_id:
            return reply
        return self.write(lambda _uow: reply)

    def write(self, work: Work, *, failed: Callable[[UnitOfWork, str], None] | None = None) -> Reply:
        """Run `work` in one unit of work together with recording its reply. When it raises ApplyError,
        `failed(uow, reply_text)` runs instead, in a fresh unit of work that records the refusal."""
        try:
            return self._once(work)
        except ApplyError as exc:
            text = fit(f"{exc} Nothing changed.")
        if failed is None and not self.inbound.message_id:
            return Reply(text, "invalid")

        def refuse(uow: UnitOfWork) -> Reply:
            if failed is not None:
                failed(uow, text)
            return Reply(text, "invalid")

        return self._once(refuse)

    def _once(self, work: Work) -> Reply:
        inbound = self.inbound
        channel, message_id = inbound.channel, inbound.message_id
        with self.menus.unit_of_work(self.tenant.id, self.actor, message_id=message_id) as uow:
            if message_id and not uow.inbox.claim(channel, message_id):
                return Reply(uow.inbox.reply_to(channel, message_id) or "", "info", duplicate=True)
            reply = work(uow)
            if message_id:
                uow.inbox.set_reply(channel, message_id, reply.text)
        return reply
