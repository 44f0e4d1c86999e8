"""The fallback chain: try each configured provider in turn, within the deadline.

Fail over on connection errors, timeouts, 5xx, other non-429 errors and malformed or truncated bodies.
A 429 is respected, not failed over: it becomes RateLimited(scope="upstream"). But when the provider
says it is only busy for a moment (code 3040 "capacity temporarily exceeded", or any 429 with a
Retry-After) and that moment ends well within the deadline, the same provider is asked once more after
that delay (the answer's `retried`): its answer would come in time, a failover would throw it away.
The one exception is
code 3036 (the account's daily free Neurons are used up): that account cannot answer before 00:00 UTC,
so we remember it, skip every provider that spends the same account's quota, and move on to one that
does not (another Cloudflare account, or the OpenAI-compatible server). If none can answer, the 3036
RateLimited is raised with retry_after = seconds to midnight UTC.

A stream that broke after text reached the caller cannot be retried transparently: StreamBroken.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import httpx

from diner_agent.clock import Clock

from .answer import Answer
from .breaker import CircuitBreaker
from .config import GatewayConfig
from .errors import BadResponse, RateLimited, Unavailable
from .pricing import estimate_prompt_tokens, estimate_tokens
from .providers import ChatRequest, Provider, Usage
from .upstream_errors import (
    OUT_OF_CAPACITY,
    QUOTA_EXHAUSTED,
    ProviderFailure,
    check_status,
    seconds_until_utc_midnight,
)

Observer = Callable[[str, float, str], None]  # (provider, seconds, outcome)
RETRY_MARGIN = 0.5  # a retry must leave at least this much of the deadline for the answer itself


@dataclass(frozen=True)
class Delta:
    """A piece of streamed text and who is producing it."""

    text: str
    provider: str
    model: str


class StreamBroken(BadResponse):
    """A stream failed after some text was already yielded; `partial` holds what was sent."""

    def __init__(self, message: str, partial: Answer) -> None:
        super().__init__(message)
        self.partial = partial


class FallbackChain:
    def __init__(
        self,
        providers: list[Provider],
        client: httpx.Client,
        config: GatewayConfig,
        clock: Clock,
        observe: Observer | None = None,
    ) -> None:
        self.providers = providers
        self.breakers = {
            p.name: CircuitBreaker(clock, config.breaker_failures, config.breaker_reset) for p in providers
        }
        self._client = client
        self._config = config
        self._clock = clock
        self._observe = observe or (lambda provider, seconds, outcome: None)
        self._exhausted_until: dict[str, float] = {}  # account -> clock.monotonic() when its quota returns

    def _timeout(self, remaining: float) -> httpx.Timeout:
        connect = min(self._config.connect_timeout, remaining)
        return httpx.Timeout(
            connect=connect, read=min(self._config.first_byte_timeout, remaining), write=connect, pool=connect
        )

    def _candidates(self, deadline: float, reasons: dict[str, str]) -> Iterator[tuple[Provider, float]]:
        """Yield (provider, remaining seconds) for each provider that may be tried now."""
        for provider in self.providers:
            now = self._clock.monotonic()
            if self._exhausted_until.get(provider.account, 0.0) > now:
                reasons[provider.name] = "daily quota of this account is used up (3036)"
                continue
            remaining = deadline - now
            if remaining <= 0:
                reasons[provider.name] = "not tried: deadline passed"
                continue
            if not self.breakers[provider.name].allow():
                reasons[provider.name] = "circuit open"
                continue
            yield provider, remaining

    def _succeeded(self, provider: Provider, started: float) -> float:
        """Note an attempt that answered; returns its duration in seconds."""
        elapsed = time.perf_counter() - started
        self._observe(provider.name, elapsed, "ok")
        self.breakers[provider.name].success()
        return elapsed

    def _rate_limited(
        self, provider: Provider, exc: RateLimited, reasons: dict[str, str], started: float
    ) -> RateLimited:
        """Note a 429. Code 3036 marks the account exhausted and returns (the chain goes on); others raise."""
        self._observe(provider.name, time.perf_counter() - started, "rate_limited")
        self.breakers[provider.name].success()  # it answered promptly: busy is not broken
        reasons[provider.name] = f"429 (code {exc.code})"
        if exc.code == QUOTA_EXHAUSTED:
            until = self._clock.monotonic() + min(exc.retry_after, seconds_until_utc_midnight(self._clock.now()))
            self._exhausted_until[provider.account] = until
            return exc
        raise exc

    def _failed(self, provider: Provider, exc: Exception, reasons: dict[str, str], started: float) -> str:
        """Note a failed attempt (the breaker counts it unless the fault was ours); returns why it failed."""
        self._observe(provider.name, time.perf_counter() - started, "error")
        breaker = self.breakers[provider.name]
        if isinstance(exc, ProviderFailure):
            reason = exc.reason
            breaker.failure() if exc.breaker else breaker.success()
        elif isinstance(exc, httpx.TimeoutException):
            reason = "timed out"
            breaker.failure()
        else:
            reason = f"connection failed ({type(exc).__name__})"
            breaker.failure()
        reasons[provider.name] = reason
        return reason

    def _retry_delay(self, exc: RateLimited, deadline: float, retried: bool) -> float | None:
        """How long to wait before asking the same provider again, or None to go on as before."""
        if retried or not (exc.code == OUT_OF_CAPACITY or exc.hinted):
            return None
        if self._clock.monotonic() + exc.retry_after + RETRY_MARGIN > deadline:
            return None
        return exc.retry_after

    def _pause(self, provider: Provider, started: float, delay: float) -> None:
        self._observe(provider.name, time.perf_counter() - started, "rate_limited")
        time.sleep(delay)  # within the deadline (checked by _retry_delay)

    def _give_up(self, reasons: dict[str, str], quota: RateLimited | None) -> Exception:
        if quota is not None:
            return quota
        summary = "; ".join(f"{name}: {why}" for name, why in reasons.items()) or "no provider is configured"
        return Unavailable(f"No AI provider answered ({summary}).", reasons)

    def _answer(self, provider: Provider, req: ChatRequest, text: str, usage: Usage | None, **extra) -> Answer:
        if usage is None:
            prompt, completion, estimated = estimate_prompt_tokens(req.messages), estimate_tokens(text), True
        else:
            prompt, completion, estimated = usage.prompt_tokens, usage.completion_tokens, False
        return Answer(text, provider.name, provider.model, prompt, completion, estimated, **extra)

    def complete(self, req: ChatRequest, deadline: float) -> Answer:
        reasons: dict[str, str] = {}
        quota: RateLimited | None = None
        for step, (provider, remaining) in enumerate(self._candidates(deadline, reasons)):
            retried = False
            while True:
                started = time.perf_counter()
                reply = None
                try:
                    request = provider.build(self._client, req, self._timeout(remaining))
                    response = self._client.send(request)
                    check_status(provider.name, response, self._clock.now())
                    reply = provider.parse_reply(response)
                except RateLimited as exc:
                    delay = self._retry_delay(exc, deadline, retried)
                    if delay is not None:
                        self._pause(provider, started, delay)
                        retried, remaining = True, deadline - self._clock.monotonic()
                        continue
                    quota = self._rate_limited(provider, exc, reasons, started)
                except (ProviderFailure, httpx.HTTPError) as exc:
                    self._failed(provider, exc, reasons, started)
                break
            if reply is None:
                continue
            elapsed = self._succeeded(provider, started)
            return self._answer(
                provider,
                req,
                reply.text,
                reply.usage,
                log_id=provider.log_id(response),
                upstream_cache_hit=provider.upstream_cache_hit(response),
                fallback_step=step,
                upstream_ms=elapsed * 1000,
                retried=retried,
            )
        raise self._give_up(reasons, quota)

    def stream(self, req: ChatRequest, deadline: float, hard_deadline: float | None) -> Iterator[Delta | Answer]:
        """Yield Deltas, then one Answer (with `chunks`). `deadline` bounds the start of the stream,
        `hard_deadline` (the caller's own, if any) the whole of it."""
        reasons: dict[str, str] = {}
        quota: RateLimited | None = None
        for step, (provider, remaining) in enumerate(self._candidates(deadline, reasons)):
            retried = False
            while True:
                started = time.perf_counter()
                parts: list[str] = []
                usage: Usage | None = None
                log_id = None
                try:
                    request = provider.build(self._client, req, self._timeout(remaining))
                    response = self._client.send(request, stream=True)
                    try:
                        if response.status_code >= 300:
                            response.read()
                            check_status(provider.name, response, self._clock.now())
                        log_id = provider.log_id(response)
                        for item in provider.parse_stream(response.iter_lines()):
                            if isinstance(item, Usage):
                                usage = item
                                continue
                            parts.append(item)
                            yield Delta(item, provider.name, provider.model)
                            if hard_deadline is not None and self._clock.monotonic() > hard_deadline:
                                raise ProviderFailure("the caller's deadline passed mid-stream", breaker=False)
                    finally:
                        response.close()
                except RateLimited as exc:
                    delay = self._retry_delay(exc, deadline, retried)
                    if delay is not None:
                        self._pause(provider, started, delay)
                        retried, remaining = True, deadline - self._clock.monotonic()
                        continue
                    quota = self._rate_limited(provider, exc, reasons, started)
                    break
                except (ProviderFailure, httpx.HTTPError) as exc:
                    reason = self._failed(provider, exc, reasons, started)
                    if parts:
                        partial = self._answer(
                            provider,
                            req,
                            "".join(parts),
                            None,
                            log_id=log_id,
                            fallback_step=step,
                            chunks=tuple(parts),
                        )
                        raise StreamBroken(
                            f"The {provider.name} stream broke after {len(partial.text)} characters: {reason}.",
                            partial,
                        ) from None
                    break
                except GeneratorExit:
                    # The caller stopped reading; the provider itself was fine.
                    self.breakers[provider.name].success()
                    raise
                elapsed = self._succeeded(provider, started)
                answer = self._answer(
                    provider,
                    req,
                    "".join(parts),
                    usage,
                    log_id=log_id,
                    fallback_step=step,
                    upstream_ms=elapsed * 1000,
                    retried=retried,
                )
                yield replace(answer, chunks=tuple(parts))
                return
        raise self._give_up(reasons, quota)
