"""What a call cost, in USD, from Workers AI's published price table.

Workers AI bills Neurons: $0.011 per 1,000 Neurons, with a per-model rate of Neurons per million
input and output tokens (developers.cloudflare.com/workers-ai/platform/pricing, Aug 2026). We keep the
Neuron rates and derive dollars from them, because the page's dollar column is rounded to 3 places.
Arithmetic is Decimal; the float only appears at the edge (`cost_usd` on a Completion).

`@cf/meta/llama-3.1-8b-instruct-fast` (our default model) has no row on that page and no unit price
on its model page. It is the same weights and serving tier as `-fp8-fast`, so we price it like that
row and mark every such cost `estimated`; see research/cloudflare.md section 8.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

USD_PER_NEURON = Decimal("0.011") / Decimal(1000)
_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Rate:
    """Neurons per million input and output tokens."""

    neurons_in: int
    neurons_out: int

    @property
    def usd_per_m_in(self) -> Decimal:
        return self.neurons_in * USD_PER_NEURON

    @property
    def usd_per_m_out(self) -> Decimal:
        return self.neurons_out * USD_PER_NEURON


RATES: dict[str, Rate] = {
    "@cf/meta/llama-3-8b-instruct": Rate(25_608, 75_147),
    "@cf/meta/llama-3.1-8b-instruct": Rate(25_608, 75_147),
    "@cf/meta/llama-3.1-8b-instruct-fp8": Rate(13_778, 26_128),
    "@cf/meta/llama-3.1-8b-instruct-fp8-fast": Rate(4_119, 34_868),
    "@cf/meta/llama-3.1-8b-instruct-awq": Rate(11_161, 24_215),
    "@cf/meta/llama-3-8b-instruct-awq": Rate(11_161, 24_215),
    "@cf/meta/llama-3.2-3b-instruct": Rate(4_625, 30_475),
    "@cf/meta/llama-3.2-1b-instruct": Rate(2_457, 18_252),
}

# Models billed like another row, by our inference rather than by a published price.
PRICED_LIKE: dict[str, str] = {
    "@cf/meta/llama-3.1-8b-instruct-fast": "@cf/meta/llama-3.1-8b-instruct-fp8-fast",
}


@dataclass(frozen=True)
class Cost:
    usd: Decimal
    estimated: bool


def canonical_model(model: str | None) -> str:
    """`workers-ai/@cf/x` and `@cf/x` are the same model for pricing."""
    model = (model or "").strip()
    return model.removeprefix("workers-ai/")


def rate_for(model: str | None) -> tuple[Rate | None, bool]:
    """The rate for a model and whether it is only inferred (None when we have no idea)."""
    name = canonical_model(model)
    if name in RATES:
        return RATES[name], False
    if name in PRICED_LIKE:
        return RATES[PRICED_LIKE[name]], True
    return None, True


def cost_of(model: str | None, prompt_tokens: int, completion_tokens: int, *, usage_estimated: bool = False) -> Cost:
    """Price a call. Unknown models cost 0 and are flagged estimated, so dashboards can tell."""
    rate, inferred = rate_for(model)
    if rate is None:
        return Cost(Decimal(0), True)
    usd = (prompt_tokens * rate.usd_per_m_in + completion_tokens * rate.usd_per_m_out) / _MILLION
    return Cost(usd, inferred or usage_estimated)


def estimate_tokens(text: str) -> int:
    """Roughly 4 characters per token for English text; used only when the provider sent no usage."""
    return math.ceil(len(text) / 4) if text else 0


def estimate_prompt_tokens(messages: list[dict]) -> int:
    """Estimate prompt tokens: the text plus a few tokens of chat-template overhead per message."""
    total = 0
    for message in messages:
        content = message.get("content")
        total += estimate_tokens(content if isinstance(content, str) else str(content or "")) + 4
    return total
