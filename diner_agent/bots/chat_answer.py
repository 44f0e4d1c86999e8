"""What the web chat answers: a command's reply from the command service, the model's answer with the
diner's live state as context, or a short canned answer when the model is rate limited or unavailable.

Free of Flask and of the wire format: it yields Text and End events that webchat.py renders as SSE chunks
or one JSON object. The model is whatever the app wired in (the AI gateway), seen through the ChatModel
protocol below; bots never import the gateway, so its errors are recognised by shape: one with a numeric
`retry_after` is a rate limit, any other is "unavailable" before text was sent and "broken" after.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from diner_agent.bots.chat_prompt import example_item, system_prompt
from diner_agent.bots.chat_route import is_command
from diner_agent.clock import Clock
from diner_agent.commands.model import Inbound
from diner_agent.commands.service import CommandService
from diner_agent.menu.records import MenuSnapshot
from diner_agent.menu.store import MenuStore

log = logging.getLogger(__name__)
CHAT_METADATA = {"purpose": "chat"}
CUT_OFF_NOTE = "\n\n(The answer was cut off. Please ask again.)"


class Usage(Protocol):
    prompt_tokens: int
    completion_tokens: int


class Answered(Usage, Protocol):
    text: str


class ModelEvent(Protocol):
    delta: str
    done: bool
    completion: Usage | None


class ChatModel(Protocol):
    """The part of the AI gateway the chat uses (AIGateway satisfies it)."""

    def stream(
        self,
        tenant: str,
        messages: list[dict],
        *,
        max_tokens: int,
        temperature: float,
        metadata: dict | None,
        deadline: float | None,
    ) -> Iterator[ModelEvent]: ...

    def complete(
        self,
        tenant: str,
        messages: list[dict],
        *,
        max_tokens: int,
        temperature: float,
        metadata: dict | None,
        deadline: float | None,
    ) -> Answered: ...


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
    def __init__(
        self,
        store: MenuStore,
        service: CommandService,
        clock: Clock,
        model: ChatModel | None,
    ) -> None:
        self._store = store
        self._service = service
        self._clock = clock
        self._model = model

    def answer(
        self,
        tenant_id: str,
        messages: Sequence[dict[str, str]],
        *,
        stream: bool,
        max_tokens: int,
        temperature: float,
        message_id: str | None = None,
    ) -> Iterator[Event]:
        """Decide and start the answer now (a command is applied before this returns); the model's text
        arrives as the events are read.

        Args:
            messages: validated chat messages (role, content); the newest user turn is the last one.
            message_id: a client idempotency key; a retried command is then answered, not applied, again.
        """
        snapshot = self._store.snapshot(tenant_id)
        now = self._clock.now()
        newest = messages[-1]
        if newest["role"] == "user" and is_command(newest["content"], snapshot, now):
            inbound = Inbound(tenant_id, "web", "owner", newest["content"], message_id=message_id, role="owner")
            return _said(self._service.handle(inbound).text)
        model = self._model
        if model is None:
            return _said(capabilities(snapshot))
        # The client's own system messages are dropped: ours carries the policy and the live menu, and a
        # generic UI's "You are a helpful assistant" must not override either (nor split the cache).
        conversation = [{"role": "system", "content": system_prompt(snapshot, now)}]
        conversation += [dict(m) for m in messages if m["role"] != "system"]
        if stream:
            return self._streamed(model, snapshot, conversation, max_tokens, temperature)
        return self._completed(model, snapshot, conversation, max_tokens, temperature)

    def _streamed(
        self, model: ChatModel, snapshot: MenuSnapshot, conversation: list[dict], max_tokens: int, temperature: float
    ) -> Iterator[Event]:
        events = model.stream(
            snapshot.tenant.id,
            conversation,
            max_tokens=max_tokens,
            temperature=temperature,
            metadata=CHAT_METADATA,
            deadline=None,
        )
        sent = False
        try:
            for event in events:
                if event.done:
                    yield _end(event.completion, max_tokens)
                    return
                if event.delta:
                    sent = True
                    yield Text(event.delta)
            yield End()
        except Exception as exc:  # the gateway's errors, recognised by shape (see the module docstring)
            if sent:
                log.warning("web chat: the answer for %s broke off: %s", snapshot.tenant.id, exc)
                yield Text(CUT_OFF_NOTE)
                yield End()
                return
            yield from _said(self._trouble(snapshot, exc))
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()  # a reader that hung up cancels the upstream call

    def _completed(
        self, model: ChatModel, snapshot: MenuSnapshot, conversation: list[dict], max_tokens: int, temperature: float
    ) -> Iterator[Event]:
        try:
            answer = model.complete(
                snapshot.tenant.id,
                conversation,
                max_tokens=max_tokens,
                temperature=temperature,
                metadata=CHAT_METADATA,
                deadline=None,
            )
        except Exception as exc:  # the gateway's errors, recognised by shape (see the module docstring)
            return _said(self._trouble(snapshot, exc))
        return iter([Text(answer.text), _end(answer, max_tokens)])

    def _trouble(self, snapshot: MenuSnapshot, exc: Exception) -> str:
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(retry_after, int | float) and not isinstance(retry_after, bool):
            return rate_limited(max(1, math.ceil(retry_after)), snapshot)
        log.warning("web chat: no model answer for %s: %s: %s", snapshot.tenant.id, type(exc).__name__, exc)
        return capabilities(snapshot)


def _said(text: str) -> Iterator[Event]:
    return iter([Text(text), End()])


def _end(usage: Usage | None, max_tokens: int) -> End:
    if usage is None:
        return End()
    finish = "length" if usage.completion_tokens >= max_tokens else "stop"
    return End(finish, usage.prompt_tokens, usage.completion_tokens)


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
