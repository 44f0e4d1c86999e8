"""The port the command layer needs from a language model; the AI gateway satisfies it via app wiring.

Declared here (not in `gateway/`) so the command layer depends on what it needs, not on an HTTP client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from diner_agent.commands.model import Command
from diner_agent.menu.records import MenuSnapshot


class LlmRateLimited(Exception):
    """This tenant's free-form budget is used up for now."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:.0f}s")
        self.retry_after = retry_after


class LlmUnavailable(Exception):
    """No model is configured, or every provider failed or timed out."""


@dataclass(frozen=True)
class LlmReading:
    """Commands the model proposed that survived validation and resolution, or a question for the owner."""

    commands: tuple[Command, ...] = ()
    problem: str | None = None


class LlmReader(Protocol):
    def read(self, text: str, snapshot: MenuSnapshot, now: datetime, *, deadline: float | None = None) -> LlmReading:
        """Read a text the grammar could not; raise LlmRateLimited or LlmUnavailable when it cannot."""
        ...
