"""What the web chat answers: a command's reply from the command service, the model's answer with the
diner's live state as context, or a short canned answer when the model is rate limited or unavailable.

Free of Flask and of the wire format: it yields Text and End events that the web chat channel renders
as SSE chunks or one JSON object. The model is the command layer's Llm port, whose errors say what
went wrong: a rate limit (ask again in N seconds), no model (every command still works), or an answer
that broke off after some of its text was sent.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from diner_agent.commands.addressing import Addressed
from diner_agent.commands.chat.command_or_question import is_command
from diner_agent.commands.chat.prompt import example_item, system_prompt
from diner_agent.commands.language_model import Llm, LlmAnswer, LlmBroken, LlmError, LlmRateLimited
from diner_agent.commands.service import CommandService
from diner_agent.menu.records import MenuSnapshot

log = logging.getLogger(__name__)
PURPOSE = "chat"
CUT_OFF_NOTE = "\n\n(The answer was cut off. Please ask again.)"


@dataclass(frozen=True)
class Text:
    delta: str


@dataclass(frozen=True)
class End:
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0


Event = Text | End


class ChatAnswerer:
    def __init__(self, service: CommandService, llm: Llm | None) -> None:
        self._service = service
        self._llm = llm

    def answer(
        self,
        addressed: Addressed,
        messages: Sequence[dict[str, str]],
        *,
        stream: bool,
        max_tokens: int,
        temperature: float,
    ) -> Iterator[Event]:
        """Decide and start the answer now (a command is applied before this returns); the model's text
        arrives as the events are read.

        Args:
            addressed: the chat's diner (from its token); its text is the newest message's, its message id
                the client's idempotency key (a retried command is answered, not applied, again).
            messages: validated chat messages (role, content); the newest user turn is the last one.
        """
        snapshot, now = addressed.snapshot, self._service.clock.now()
        newest = messages[-1]
        if newest["role"] == "user" and is_command(newest["content"], snapshot, now):
            return _said(self._service.answer(addressed).text)
        llm = self._llm
        if llm is None:
            return _said(capabilities(snapshot))
        # The client's own system messages are dropped: ours carries the policy and the live menu, and a
        # generic UI's "You are a helpful assistant" must not override either (nor split the cache).
        conversation = [{"role": "system", "content": system_prompt(snapshot, now)}]
        conversation += [dict(m) for m in messages if m["role"] != "system"]
        if stream:
            return self._streamed(llm, snapshot, conversation, max_tokens, temperature)
        return self._completed(llm, snapshot, conversation, max_tokens, temperature)

    def _streamed(
        self, llm: Llm, snapshot: MenuSnapshot, conversation: list[dict], max_tokens: int, temperature: float
    ) -> Iterator[Event]:
        chunks = llm.stream(
            snapshot.tenant.id, conversation, purpose=PURPOSE, max_tokens=max_tokens, temperature=temperature
        )
        sent = False
        try:
            for chunk in chunks:
                if chunk.answer is not None:
                    yield _end(chunk.answer, max_tokens)
                    return
                if chunk.delta:
                    sent = True
                    yield Text(chunk.delta)
            yield End()
        except Exception as exc:
            if sent or isinstance(exc, LlmBroken):
                log.warning("web chat: the answer for %s broke off: %s", snapshot.tenant.id, exc)
                yield Text(CUT_OFF_NOTE)
                yield End()
                return
            yield from _said(self._trouble(snapshot, exc))  # nothing sent yet: say what still works
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a reader that hung up cancels the upstream call

    def _completed(
        self, llm: Llm, snapshot: MenuSnapshot, conversation: list[dict], max_tokens: int, temperature: float
    ) -> Iterator[Event]:
        try:
            answer = llm.complete(
                snapshot.tenant.id, conversation, purpose=PURPOSE, max_tokens=max_tokens, temperature=temperature
            )
        except Exception as exc:  # say what still works (a bug is logged with its traceback)
            return _said(self._trouble(snapshot, exc))
        return iter([Text(answer.text), _end(answer, max_tokens)])

    def _trouble(self, snapshot: MenuSnapshot, exc: Exception) -> str:
        if isinstance(exc, LlmRateLimited):
            return rate_limited(max(1, math.ceil(exc.retry_after)), snapshot)
        if isinstance(exc, LlmError):
            log.warning("web chat: no model answer for %s: %s: %s", snapshot.tenant.id, type(exc).__name__, exc)
        else:
            log.error("web chat: the model call failed for %s", snapshot.tenant.id, exc_info=exc)
        return capabilities(snapshot)


def _said(text: str) -> Iterator[Event]:
    return iter([Text(text), End()])


def _end(answer: LlmAnswer, max_tokens: int) -> End:
    finish = "length" if answer.completion_tokens >= max_tokens else "stop"
    return End(finish, answer.prompt_tokens, answer.completion_tokens)


def rate_limited(seconds: int, snapshot: MenuSnapshot) -> str:
    name, _ = example_item(snapshot)
    return (
        f"I'm answering a lot of questions right now. Please ask again in {seconds} second"
        f"{'' if seconds == 1 else 's'}. Menu commands like '86 {name}' still work right away."
    )


def capabilities(snapshot: MenuSnapshot) -> str:
    """What the chat can still do without a model: every grammar command works."""
    name, price = example_item(snapshot)
    return (
        "I can't answer free-form questions right now, but I can still run the menu. Type a command, "
        f"for example: '86 {name}' (sold out), '{name} is back', '{name} {price}' (new price), "
        "'close at 2 today', 'sat 8-2', 'emergency close, burst pipe', 'open again', "
        "or UNDO, MENU, HOURS, HELP."
    )
