"""CommandService: the one entry point every channel calls.

A channel hands over a Message as it received it; `address` finds the diner and the sender, `answer`
replies. Order of business: a message id seen before gets its stored reply and changes nothing; the
sender must hold a role; a Slack button answers its confirmation; anything else is understood
(grammar first, a model only for what the grammar cannot read, and only for owners) and handed to the
handler of its first command's kind (handlers.py). Every change, its audit entries and the reply
commit in one unit of work together with the message id (turn.py), so a retry can never apply
anything twice and a crash can never leave half a change.
"""

from __future__ import annotations

import logging

from diner_agent.clock import Clock
from diner_agent.commands import addressing, confirmations
from diner_agent.commands.addressing import Addressed, Message
from diner_agent.commands.handlers import HANDLERS
from diner_agent.commands.language_model import Llm, LlmRateLimited, LlmReader, LlmUnavailable
from diner_agent.commands.llm_parse import LlmParser
from diner_agent.commands.model import Inbound, Reply
from diner_agent.commands.preview import preview
from diner_agent.commands.replies import fit
from diner_agent.commands.turn import Turn
from diner_agent.commands.understand import Understanding, understand
from diner_agent.commands.unit_of_work import Menus
from diner_agent.menu.errors import UnknownTenant

log = logging.getLogger(__name__)

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
        self.llm = llm
        self.reader = model_reader(llm) if llm is not None else None
        self.public_base_url = (public_base_url or "").rstrip("/") or None

    # --- entry points ----------------------------------------------------------------------------------

    def address(self, message: Message) -> Addressed | None:
        """The diner `message` was sent to and who sent it (None: no diner has that address)."""
        return addressing.address(self.menus, message)

    def answer(self, addressed: Addressed, *, deadline: float | None = None) -> Reply:
        """Answer one message; never raises for anything a sender can put in a message.

        A message id seen before is caught where the message is recorded, inside the one unit of work
        (exact across workers); only before a model is asked is it looked up early, to not pay a model
        twice for a provider's retry. `deadline` (clock.monotonic()) bounds the model."""
        turn = Turn(self.menus, addressed, self.clock.now(), self.menu_link(addressed.tenant.id))
        inbound = addressed.inbound
        if addressed.actor is None:
            name = turn.tenant.name
            return turn.remember(
                Reply(f"Sorry, you're not on {name}'s staff list, so I can't change anything.", "refused")
            )
        text = inbound.text or ""
        if len(text) > MAX_TEXT:
            return turn.remember(Reply("That text is too long; send one change per text.", "invalid"))
        if inbound.pending_id:
            return confirmations.clicked(turn)
        meaning = understand(text, turn.snapshot, turn.now)
        if meaning.model_may_help and self.reader is not None and turn.actor.role == "owner":
            stored = self.menus.processed_reply(inbound.channel, inbound.message_id) if inbound.message_id else None
            if stored is not None:
                return Reply(stored, "info", duplicate=True)
            meaning = understand(text, turn.snapshot, turn.now, llm=self.reader, deadline=deadline)
        if not meaning.commands:
            return turn.remember(Reply(fit(meaning.reply or ""), "unknown"))
        return HANDLERS[meaning.commands[0].action](turn, meaning)

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

    def menu_link(self, tenant_id: str) -> str | None:
        return f"{self.public_base_url}/menu/{tenant_id}" if self.public_base_url else None


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
