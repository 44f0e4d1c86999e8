"""A port: the language model as the command layer needs it, one for the LLM reader and the web chat.

The composition root (diner_agent/assembly.py) bridges the AI gateway onto `Llm`, turning the gateway's
errors into the ones below, so the command layer imports neither an HTTP client nor the gateway, and
both users of a model handle exactly these errors.

`LlmReader` / `LlmReading` are the reader's side: what `understand()` asks of a model reading of one text
(the LLM parser implements it on top of `Llm`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from diner_agent.commands.model import Command
from diner_agent.menu.records import MenuSnapshot


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the gateway did for one call, for a channel's response headers: served from the cache, by
    sharing an identical call, or by a provider (`miss`); who; what it cost; the diner's rate window."""

    cache: str | None = None  # "hit" | "coalesced" | "miss"
    provider: str | None = None
    cost_usd: float | None = None
    limit: int | None = None
    remaining: int | None = None
    reset_after: float | None = None


class LlmError(Exception):
    """A model could not answer; the message is for logs, never for a reply."""


class LlmRateLimited(LlmError):
    """A rate limit refused the call: this diner's free-form budget (scope "tenant"), or the provider's
    own limit ("upstream"). Asking again before `retry_after` seconds would be refused too."""

    def __init__(
        self, retry_after: float, scope: Literal["tenant", "upstream"] = "tenant", facts: CallFacts | None = None
    ) -> None:
        super().__init__(f"rate limited ({scope}); retry after {retry_after:.0f}s")
        self.retry_after = retry_after
        self.scope = scope
        self.facts = facts


class LlmOverBudget(LlmError):
    """The diner's daily or monthly AI budget is spent: no model is asked until the period ends."""

    def __init__(self, period: Literal["day", "month"], retry_after: float) -> None:
        super().__init__(f"over its {'daily' if period == 'day' else 'monthly'} AI budget")
        self.period = period
        self.retry_after = retry_after


class LlmUnavailable(LlmError):
    """No model is configured, or every provider failed or timed out."""


class LlmBroken(LlmError):
    """A streamed answer broke off after some of its text had been handed out."""


@dataclass(frozen=True, slots=True)
class LlmAnswer:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    facts: CallFacts | None = None


@dataclass(frozen=True, slots=True)
class LlmChunk:
    """A piece of a streamed answer; the last one carries no text and the whole `answer`. The first one
    carries the call's `facts` as far as they are known before the text (no cost yet)."""

    delta: str = ""
    answer: LlmAnswer | None = None
    facts: CallFacts | None = None


class Llm(Protocol):
    def complete(
        self,
        tenant_id: str,
        messages: list[dict[str, str]],
        *,
        purpose: str,
        max_tokens: int,
        temperature: float,
        response_format: dict | None = None,
        deadline: float | None = None,
        cache_context: str | None = None,
        use_cache: bool = True,
    ) -> LlmAnswer:
        """One answer; `deadline` is an absolute `clock.monotonic()` value. `cache_context` names what the
        system prompt was built from (e.g. the menu's version), so a cached answer is keyed on it instead
        of on the prompt's text; `use_cache=False` asks for a fresh answer. Raises LlmRateLimited,
        LlmOverBudget or LlmUnavailable."""
        ...

    def stream(
        self,
        tenant_id: str,
        messages: list[dict[str, str]],
        *,
        purpose: str,
        max_tokens: int,
        temperature: float,
        deadline: float | None = None,
        cache_context: str | None = None,
        use_cache: bool = True,
    ) -> Iterator[LlmChunk]:
        """Text as it comes; nothing happens until the first next(). Before any text it raises like
        complete(); after some, LlmBroken. Closing the iterator cancels the call."""
        ...

    def rate_status(self, tenant_id: str) -> CallFacts | None:
        """The diner's rate window now (limit, remaining, reset), for answers that asked no model."""
        ...


@dataclass(frozen=True)
class LlmReading:
    """Commands the model proposed that survived validation and resolution, or a question for the owner."""

    commands: tuple[Command, ...] = ()
    problem: str | None = None


class LlmReader(Protocol):
    def read(self, text: str, snapshot: MenuSnapshot, now: datetime, *, deadline: float | None = None) -> LlmReading:
        """Read a text the grammar could not; raise LlmRateLimited or LlmUnavailable when it cannot."""
        ...
