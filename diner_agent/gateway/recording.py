"""Turning the outcome of one call into its CallRecord (and, when it succeeded, its Completion).

Exactly one record per complete()/stream() call, whatever happened: a hit, a follower, a refusal, a
failure, a stream cut short by the caller. Cache hits and followers spend nothing, so they record
zero tokens and zero cost; what the upstream call cost is recorded once, on its leader.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from diner_agent.clock import Clock

from .answer import Answer
from .budget import BudgetExceeded
from .completion import Completion
from .errors import GatewayError, NotConfigured, RateLimited, Unavailable
from .fallback import StreamBroken
from .metrics import CallRecord, MetricsSink, PrometheusMetrics
from .pricing import cost_of


@dataclass
class Call:
    """Bookkeeping for one call until its CallRecord is written."""

    tenant: str
    streamed: bool
    started: float  # clock time, for deadlines
    t0: float = field(default_factory=time.perf_counter)  # for latency


class Recorder:
    def __init__(
        self, clock: Clock, prom: PrometheusMetrics, sink: MetricsSink | None, secrets: tuple[str, ...]
    ) -> None:
        self._clock = clock
        self._prom = prom
        self._sink = sink
        self._secrets = secrets

    def done(
        self, call: Call, answer: Answer, *, cache_hit: bool = False, coalesced: bool = False, rate=None
    ) -> Completion:  # type: ignore[no-untyped-def]
        """Record a successful call and return its Completion."""
        cache_hit = cache_hit or answer.upstream_cache_hit  # Cloudflare's cache: also free
        free = cache_hit or coalesced
        done = self.record(call, answer, status="ok", cache_hit=cache_hit, coalesced=coalesced, free=free)
        return done if rate is None else replace(done, rate=rate)

    def failed(self, call: Call, exc: GatewayError) -> None:
        if isinstance(exc, StreamBroken):
            self.record(call, exc.partial, status="error", error=str(exc))
            return
        if isinstance(exc, RateLimited):
            status = "rate_limited"
        elif isinstance(exc, BudgetExceeded):
            status = "over_budget"
        elif isinstance(exc, NotConfigured):
            status = "not_configured"
        elif isinstance(exc, Unavailable):
            status = "unavailable"
        else:
            status = "error"
        provider = exc.provider if isinstance(exc, RateLimited) else None
        self.record(call, None, status=status, error=str(exc), provider=provider)

    def record(
        self,
        call: Call,
        answer: Answer | None,
        *,
        status: str,
        cache_hit: bool = False,
        coalesced: bool = False,
        free: bool = False,
        error: str | None = None,
        provider: str | None = None,
    ) -> Completion:
        latency_ms = (time.perf_counter() - call.t0) * 1000
        prompt = completion = 0
        cost, estimated = 0.0, False
        if answer is not None and not free:
            prompt, completion = answer.prompt_tokens, answer.completion_tokens
            price = cost_of(answer.model, prompt, completion, usage_estimated=answer.usage_estimated)
            cost, estimated = float(price.usd), price.estimated
        rec = CallRecord(
            at=self._clock.now(),
            tenant=call.tenant,
            provider=answer.provider if answer is not None else provider,
            model=answer.model if answer is not None else None,
            cache_hit=cache_hit,
            coalesced=coalesced,
            rate_limited=status == "rate_limited",
            streamed=call.streamed,
            status=status,
            fallback_step=answer.fallback_step if answer is not None and not free else 0,
            latency_ms=latency_ms,
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost_usd=cost,
            cost_estimated=estimated,
            log_id=answer.log_id if answer is not None else None,
            error=self.scrub(error),
            retried=answer.retried if answer is not None and not free else False,
        )
        self._prom.observe_call(rec)
        if self._sink is not None:
            self._sink.record(rec)
        if answer is None:
            return None  # type: ignore[return-value]  # failures return nothing to the caller
        return Completion(
            answer.text,
            answer.provider,
            answer.model,
            cache_hit,
            coalesced,
            prompt,
            completion,
            cost,
            estimated,
            rec.log_id,
            latency_ms,
            retried=rec.retried,
        )

    def scrub(self, error: str | None) -> str | None:
        """Short, and never a credential, even if an upstream echoed one back."""
        if error is None:
            return None
        for secret in self._secrets:
            error = error.replace(secret, "***")
        return error if len(error) <= 200 else error[:197] + "..."
