"""What the web chat answers: a command's reply from the command service, the model's answer with the
diner's live state as context, or a short canned answer when the model is rate limited or unavailable.

Free of Flask and of the wire format: it yields Text and End events that the web chat channel renders
as SSE chunks or one JSON object, a Served event first with what the gateway did (for the response
headers) and, when the caller speaks OpenAI's conventions (`/v1`), a Refused event instead of the
canned sentence when a rate limit or the diner's budget refused the call (the channel answers 429).
The model is the command layer's Llm port, whose errors say what went wrong: a rate limit (ask again in
N seconds), the budget (paused until the period ends), no model (every command still works), or an
answer that broke off after some of its text was sent.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from diner_agent.commands.addressing import Addressed
from diner_agent.commands.chat.command_or_question import is_command
from diner_agent.commands.chat.prompt import example_item, system_prompt
from diner_agent.commands.language_model import (
    CallFacts,
    Llm,
    LlmAnswer,
    LlmBroken,
    LlmError,
    LlmOverBudget,
    LlmRateLimited,
)
from diner_agent.commands.service import CommandService
from diner_agent.commands.understand import over_budget
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


@dataclass(frozen=True)
class Served:
    """How the answer is served (always the first event when anything is known)."""

    facts: CallFacts


@dataclass(frozen=True)
class Refused:
    """The model was not asked: `kind` is "rate_limit" (ask again after `retry_after` s) or "over_budget"."""

    kind: str
    retry_after: float
    message: str
    facts: CallFacts | None = None


Event = Text | End | Served | Refused
PROMPTS_KEPT = 512


class ChatAnswerer:
    def __init__(self, service: CommandService, llm: Llm | None) -> None:
        self._service = service
        self._llm = llm
        # The system prompt of a diner at one menu version and one minute (its "Now:" line), built once.
        self._prompts: dict[tuple[str, int, datetime], str] = {}
        self._verdicts: dict[tuple[str, int, datetime, str], bool] = {}

    def answer(
        self,
        addressed: Addressed,
        messages: Sequence[dict[str, str]],
        *,
        stream: bool,
        max_tokens: int,
        temperature: float,
        openai_errors: bool = False,
        use_cache: bool = True,
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
        llm = self._llm
        if newest["role"] == "user" and self._is_command(newest["content"], snapshot, now):
            return _said(self._service.answer(addressed).text, self._rate(llm, snapshot))
        if llm is None:
            return _said(capabilities(snapshot))
        # The client's own system messages are dropped: ours carries the policy and the live menu, and a
        # generic UI's "You are a helpful assistant" must not override either (nor split the cache).
        conversation = [{"role": "system", "content": self._prompt(snapshot, now)}]
        conversation += [dict(m) for m in messages if m["role"] != "system"]
        call = _Call(llm, snapshot, conversation, max_tokens, temperature, openai_errors, use_cache)
        return self._streamed(call) if stream else self._completed(call)

    def _is_command(self, text: str, snapshot: MenuSnapshot, now: datetime) -> bool:
        """The grammar's verdict on a chat text, kept per diner, menu version and minute: a client asking
        the same question again (a retry, a cache hit) is not read again."""
        key = (snapshot.tenant.id, snapshot.tenant.version, now.replace(second=0, microsecond=0), text)
        verdict = self._verdicts.get(key)
        if verdict is None:
            if len(self._verdicts) >= PROMPTS_KEPT:
                self._verdicts.clear()
            verdict = self._verdicts[key] = is_command(text, snapshot, now)
        return verdict

    def _prompt(self, snapshot: MenuSnapshot, now: datetime) -> str:
        key = (snapshot.tenant.id, snapshot.tenant.version, now.replace(second=0, microsecond=0))
        prompt = self._prompts.get(key)
        if prompt is None:
            if len(self._prompts) >= PROMPTS_KEPT:
                self._prompts.clear()
            prompt = self._prompts[key] = system_prompt(snapshot, now)
        return prompt

    @staticmethod
    def _rate(llm: Llm | None, snapshot: MenuSnapshot) -> CallFacts | None:
        status = getattr(llm, "rate_status", None)
        return status(snapshot.tenant.id) if status is not None else None

    def _streamed(self, call: _Call) -> Iterator[Event]:
        snapshot = call.snapshot
        chunks = call.llm.stream(
            snapshot.tenant.id,
            call.conversation,
            purpose=PURPOSE,
            max_tokens=call.max_tokens,
            temperature=call.temperature,
            cache_context=_context(snapshot),
            use_cache=call.use_cache,
        )
        sent = False
        try:
            for chunk in chunks:
                if chunk.facts is not None:
                    yield Served(chunk.facts)
                if chunk.answer is not None:
                    yield _end(chunk.answer, call.max_tokens)
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
            yield from self._trouble(call, exc)  # nothing sent yet: say what still works
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()  # a reader that hung up cancels the upstream call

    def _completed(self, call: _Call) -> Iterator[Event]:
        snapshot = call.snapshot
        try:
            answer = call.llm.complete(
                snapshot.tenant.id,
                call.conversation,
                purpose=PURPOSE,
                max_tokens=call.max_tokens,
                temperature=call.temperature,
                cache_context=_context(snapshot),
                use_cache=call.use_cache,
            )
        except Exception as exc:  # say what still works (a bug is logged with its traceback)
            return self._trouble(call, exc)
        served = [Served(answer.facts)] if answer.facts is not None else []
        return iter([*served, Text(answer.text), _end(answer, call.max_tokens)])

    def _trouble(self, call: _Call, exc: Exception) -> Iterator[Event]:
        snapshot = call.snapshot
        if isinstance(exc, LlmRateLimited):
            seconds = max(1, math.ceil(exc.retry_after))
            if call.openai_errors:
                return iter([Refused("rate_limit", exc.retry_after, _limit_message(seconds), exc.facts)])
            return _said(rate_limited(seconds, snapshot))
        if isinstance(exc, LlmOverBudget):
            if call.openai_errors:
                return iter([Refused("over_budget", exc.retry_after, _budget_message(exc.period))])
            return _said(over_budget(exc.period))
        if isinstance(exc, LlmError):
            log.warning("web chat: no model answer for %s: %s: %s", snapshot.tenant.id, type(exc).__name__, exc)
        else:
            log.error("web chat: the model call failed for %s", snapshot.tenant.id, exc_info=exc)
        return _said(capabilities(snapshot))


@dataclass(frozen=True)
class _Call:
    llm: Llm
    snapshot: MenuSnapshot
    conversation: list[dict]
    max_tokens: int
    temperature: float
    openai_errors: bool
    use_cache: bool


def _context(snapshot: MenuSnapshot) -> str:
    """What our system prompt is built from, for the cache key: the diner's menu at its version."""
    return f"menu:{snapshot.tenant.id}:{snapshot.tenant.version}"


def _limit_message(seconds: int) -> str:
    return f"Rate limit reached for requests to this diner's assistant. Please try again in {seconds}s."


def _budget_message(period: str) -> str:
    word = "daily" if period == "day" else "monthly"
    return f"This diner's {word} AI budget is used up; menu commands such as '86 meatloaf' still work."


def _said(text: str, facts: CallFacts | None = None) -> Iterator[Event]:
    head = [Served(facts)] if facts is not None else []
    return iter([*head, Text(text), End()])


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
