"""CommandService: the one entry point every channel calls.

A channel hands over a Message as it received it; `address` finds the diner and the sender, `answer`
replies. Order of business: a message id seen before gets its stored reply and changes nothing; the
sender must hold a role; a Slack button answers its confirmation; anything else is understood
(grammar first, a model only for what the grammar cannot read, and only for owners) and handed to the
handler of its first command's kind (handlers.py).

Idempotency lives in one place, `_reply`: in one unit of work it runs the handler and records the
message id with its reply; when the id was answered before (a retry, on this or another worker) the
work is rolled back and the stored reply sent again. So a retry can never apply anything twice and a
crash can never leave half a change. An ApplyError from the handler rolls it all back too, and is
answered, and recorded, as "Nothing changed".
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from diner_agent.clock import Clock
from diner_agent.commands import addressing, confirmations
from diner_agent.commands.addressing import Addressed, Message
from diner_agent.commands.apply import ApplyError
from diner_agent.commands.handlers import CLICKED, HANDLERS, UNDO_CLICKED
from diner_agent.commands.language_model import Llm, LlmRateLimited, LlmReader, LlmUnavailable
from diner_agent.commands.llm_parse import LlmParser
from diner_agent.commands.model import Inbound, Reply
from diner_agent.commands.preview import preview
from diner_agent.commands.replies import fit
from diner_agent.commands.turn import Handler, Turn, reply_with
from diner_agent.commands.understand import Understanding, understand
from diner_agent.commands.unit_of_work import Menus, UnitOfWork
from diner_agent.menu.errors import StoreUnavailable, UnknownTenant
from diner_agent.menu.records import Actor

MAX_TEXT = 1600
PARSE_MAX_TOKENS = 400


class CommandService:
    def __init__(
        self,
        menus: Menus,
        *,
        clock: Clock,
        llm: Llm | None = None,
        public_base_url: str | None = None,
    ) -> None:
        self.menus = menus
        self.clock = clock
        self.reader = model_reader(llm) if llm is not None else None
        self.public_base_url = (public_base_url or "").rstrip("/") or None

    # --- entry points ----------------------------------------------------------------------------------

    def address(self, message: Message) -> Addressed | None:
        """The diner `message` was sent to and who sent it (None: no diner has that address)."""
        return addressing.address(self.menus, message)

    def answer(self, addressed: Addressed, deadline: float | None = None) -> Reply:
        """Answer one message; never raises for anything a sender can put in a message.

        A message id seen before is caught where the message is recorded, inside the one unit of work
        (exact across workers); only before a model is asked is it looked up early, to not pay a model
        twice for a provider's retry. `deadline` (clock.monotonic()) bounds the model."""
        turn = self._turn(addressed)
        inbound = addressed.inbound
        if addressed.actor is None:
            refusal = f"Sorry, you're not on {turn.tenant.name}'s staff list, so I can't change anything."
            return self._reply(turn, reply_with(Reply(refusal, "refused")))
        text = inbound.text or ""
        if len(text) > MAX_TEXT:
            return self._reply(turn, reply_with(Reply("That text is too long; send one change per text.", "invalid")))
        if inbound.pending_id:
            return self._reply(turn, CLICKED)
        if inbound.batch_id:
            return self._reply(turn, UNDO_CLICKED)
        meaning = understand(text, turn.snapshot, turn.now)
        if meaning.model_may_help and self.reader is not None and turn.actor.role == "owner":
            stored = self.menus.processed_reply(inbound.channel, inbound.message_id) if inbound.message_id else None
            if stored is not None:
                return Reply(stored, "info", duplicate=True)
            meaning = understand(text, turn.snapshot, turn.now, llm=self.reader, deadline=deadline)
        if meaning.commands:
            handler = HANDLERS[meaning.commands[0].action]
        else:
            handler = reply_with(Reply(fit(meaning.reply or ""), "unknown"))
        if moves_on(meaning):
            handler = confirmations.superseding(handler)  # a later YES must not apply what was asked before
        return self._reply(turn, handler, meaning)

    def needs_model(self, addressed: Addressed) -> bool:
        """Whether `answer` would ask the model for this message (the grammar cannot read it, a model is
        configured, an owner sent it), so a channel must not hold a request thread waiting for it."""
        inbound, actor = addressed.inbound, addressed.actor
        if self.reader is None or actor is None or actor.role != "owner" or inbound.pending_id:
            return False
        text = inbound.text or ""
        return len(text) <= MAX_TEXT and understand(text, addressed.snapshot, self.clock.now()).model_may_help

    def handle(self, inbound: Inbound, *, deadline: float | None = None) -> Reply:
        """Answer an Inbound whose diner the caller already knows (the CLI, workers, tests)."""
        try:
            snapshot = self.menus.snapshot(inbound.tenant_id)
        except UnknownTenant:
            return Reply("This diner is not set up here.", "refused")
        return self.answer(addressing.addressed_inbound(inbound, snapshot), deadline=deadline)

    def preview(self, tenant_id: str, text: str, *, use_llm: bool = True) -> tuple[Understanding, str]:
        """What `answer` would make of a text, and the reply it would send, applying nothing (CLI `parse`)."""
        reader = self.reader if use_llm else None
        snapshot = self.menus.snapshot(tenant_id)
        return preview(text, snapshot, self.clock.now(), reader=reader, menu_link=self.menu_link(tenant_id))

    def _turn(self, addressed: Addressed) -> Turn:
        inbound, tenant = addressed.inbound, addressed.tenant
        actor = addressed.actor or Actor(f"{inbound.channel}:{inbound.sender}", None, "none", inbound.channel)
        now = self.clock.now()
        local = now.astimezone(ZoneInfo(tenant.timezone))
        return Turn(inbound, addressed.snapshot, tenant, actor, now, local, self.menu_link(tenant.id))

    def menu_link(self, tenant_id: str) -> str | None:
        return f"{self.public_base_url}/menu/{tenant_id}" if self.public_base_url else None

    # --- the one step that records a message's reply ------------------------------------------------------

    def _reply(self, turn: Turn, handler: Handler, meaning: Understanding | None = None) -> Reply:
        message_id = turn.inbound.message_id
        if not handler.writes and not message_id:
            return handler.answer(turn, meaning, None)  # nothing to write, nothing to record
        try:
            return self._once(turn, lambda uow: handler.answer(turn, meaning, uow))
        except ApplyError as exc:
            text = fit(f"{exc} Nothing changed.")
        failed = handler.failed
        if failed is None and not message_id:
            return Reply(text, "invalid")

        def refuse(uow: UnitOfWork) -> Reply:
            if failed is not None:
                failed(turn, uow, text)
            return Reply(text, "invalid")

        return self._once(turn, refuse)

    def _once(self, turn: Turn, work: Callable[[UnitOfWork], Reply]) -> Reply:
        """`work` and its reply, recorded under the message id, in one unit of work. A transaction that
        failed on a dropped connection was rolled back whole, so it is run once more; a second failure
        (the database is really down) is the caller's StoreUnavailable to answer honestly."""
        try:
            return self._attempt(turn, work)
        except StoreUnavailable:
            return self._attempt(turn, work)

    def _attempt(self, turn: Turn, work: Callable[[UnitOfWork], Reply]) -> Reply:
        inbound = turn.inbound
        channel, message_id = inbound.channel, inbound.message_id
        try:
            with self.menus.unit_of_work(turn.tenant.id, turn.actor, message_id=message_id) as uow:
                reply = work(uow)
                if message_id and not uow.inbox.record(channel, message_id, reply.text):
                    raise _AnsweredBefore  # roll back this attempt's writes
        except _AnsweredBefore:
            stored = self.menus.processed_reply(channel, message_id or "")
            return Reply(stored or "", "info", duplicate=True)
        return reply


def moves_on(meaning: Understanding) -> bool:
    """Whether a message leaves its sender's waiting request behind: any change, question, UNDO or HELP
    does; a YES or NO answers it, and a text nobody could read (most likely a try at answering it) does not."""
    if meaning.commands:
        return meaning.commands[0].action not in ("confirm", "cancel")
    return meaning.source != "none"


class _AnsweredBefore(Exception):
    """The message id was recorded by an earlier (or concurrent) delivery of the same message."""


def model_reader(llm: Llm) -> LlmReader:
    """The LLM parser on top of the Llm port: JSON mode, deterministic, a few hundred tokens. A provider's
    own rate limit is not this diner's budget running out, so it reads as "no model" (the grammar's
    answer), not as "try again in N seconds"."""

    def complete(tenant_id: str, messages: list[dict[str, str]], response_format: dict, deadline: float | None) -> str:
        try:
            answer = llm.complete(
                tenant_id,
                messages,
                purpose="parse",
                max_tokens=PARSE_MAX_TOKENS,
                temperature=0.0,
                response_format=response_format,
                deadline=deadline,
            )
        except LlmRateLimited as exc:
            if exc.scope == "tenant":
                raise
            raise LlmUnavailable(str(exc)) from None
        return answer.text

    return LlmParser(complete)
