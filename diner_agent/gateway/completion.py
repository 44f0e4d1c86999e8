"""What callers get back: a Completion, or a stream of StreamEvents ending with one."""

from __future__ import annotations

from dataclasses import dataclass

from .rate_limit import RateInfo


@dataclass(frozen=True)
class Completion:
    """One answer and what it cost.

    Tokens and cost are what *this call* spent: a cache hit or a coalesced follower spent nothing, so
    both are 0 there. `cost_estimated` is True when the provider sent no usage (tokens were estimated
    from characters) or the model's price is inferred or unknown (see pricing.py).
    """

    text: str
    provider: str
    model: str
    cache_hit: bool
    coalesced: bool
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    cost_estimated: bool
    log_id: str | None
    latency_ms: float
    rate: RateInfo | None = None  # the diner's rate-limit window after this call
    retried: bool = False

    @property
    def cache(self) -> str:
        """What the gateway did, for the `x-diner-cache` header: hit, coalesced or miss."""
        return "hit" if self.cache_hit else "coalesced" if self.coalesced else "miss"


@dataclass(frozen=True)
class StreamEvent:
    """A piece of a streamed answer. The last event has `done=True`, no text, and the Completion."""

    delta: str
    done: bool = False
    completion: Completion | None = None
    # On the first event only: how the answer is served (hit, coalesced, miss), by whom, and the window.
    cache: str | None = None
    provider: str | None = None
    rate: RateInfo | None = None
