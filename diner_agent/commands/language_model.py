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


class LlmError(Exception):
    """A model could not answer; the message is for logs, never for a reply."""


class LlmRateLimited(LlmError):
    """A rate limit refused the call: this diner's free-form budget (scope "tenant"), or the provider's
    own limit ("upstream"). Asking again before `retry_after` seconds would be refused too."""

    def __init__(self, retry_after: float, scope: Literal["tenant", "upstream"] = "tenant") -> None:
        super().__init__(f"rate limited ({scope}); retry after {retry_after:.0f}s")
        self.retry_after = retry_after
        self.scope = scope


class LlmUnavailable(LlmError):
    """No model is configured, or every provider failed or timed out."""


class LlmBroken(LlmError):
    """A streamed answer broke off after some of its text had been handed out."""


@dataclass(frozen=True, slots=True)
class LlmAnswer:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class LlmChunk:
    """A piece of a streamed answer; the last one carries no text and the whole `answer`."""

    delta: str = ""
    answer: LlmAnswer | None = None


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
    ) -> LlmAnswer:
        """One answer; `deadline` is an absolute `clock.monotonic()` value. Raises LlmRateLimited or
        LlmUnavailable."""
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
    ) -> Iterator[LlmChunk]:
        """Text as it comes; nothing happens until the first next(). Before any text it raises like
        complete(); after some, LlmBroken. Closing the iterator cancels the call."""
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
