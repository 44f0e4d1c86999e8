"""AIGateway: per-tenant policy in front of the provider fallback chain.

One call goes: response cache -> single-flight (identical calls in flight) -> per-tenant rate limit
-> providers in fallback order -> cache the answer -> one CallRecord to the metrics sink. The cache
and the in-flight table come before the limit, so hits and followers spend no quota.

Wire formats are in providers.py, the chain in fallback.py; this module only decides.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
from prometheus_client import CollectorRegistry

from diner_agent.clock import Clock, SystemClock
from diner_agent.redis_guard import guarded_redis

from .answer import Answer
from .cache import MemoryCache, NoCache, RedisCache, ResponseCache, cache_key
from .coalesce import Coalescer, LocalFlights, RedisFlights, Ticket
from .completion import Completion, StreamEvent
from .config import GatewayConfig
from .errors import GatewayError, NotConfigured, RateLimited
from .fallback import Delta, FallbackChain, StreamBroken
from .metadata import metadata_header
from .metrics import MetricsSink, prometheus_metrics
from .pricing import estimate_prompt_tokens, estimate_tokens
from .providers import ChatRequest, build_providers
from .rate_limit import TenantGate, TenantLimiter
from .recording import Call, Recorder


class AIGateway:
    """The AI gateway client. Thread-safe; build one per process and share it.

    Args:
        config: providers, limits, cache and timeouts.
        metrics_sink: receives one CallRecord per complete()/stream() call.
        clock: time source for deadlines, TTLs, breakers and the usage rows' timestamps.
        http_client: an httpx.Client to send through (tests may give it a transport); closed by
            close() only if the gateway created it.
        registry: Prometheus registry for the gateway's series (default: the global one).
    """

    def __init__(
        self,
        config: GatewayConfig,
        metrics_sink: MetricsSink | None = None,
        clock: Clock | None = None,
        http_client: httpx.Client | None = None,
        *,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self.config = config
        self._clock = clock or SystemClock()
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(limits=httpx.Limits(max_connections=100, max_keepalive_connections=50))
        self._redis = (
            guarded_redis(config.redis_url, self._clock, timeout=config.redis_timeout, skip_for=config.redis_skip_for)
            if config.redis_url
            else None
        )
        self._prom = prometheus_metrics(registry)
        self._providers = build_providers(config)
        self._chain = FallbackChain(self._providers, self._http, config, self._clock, self._prom.observe_upstream)
        self._cache: ResponseCache
        if config.cache_ttl <= 0:
            self._cache = NoCache()
        elif self._redis is not None:
            self._cache = RedisCache(self._redis, config.redis_prefix)
        else:
            self._cache = MemoryCache(self._clock, config.cache_max_entries)
        limiter = TenantLimiter(config.rate_limit, self._redis, config.redis_prefix)
        self._gate = TenantGate(limiter, config.rate_limit_mode, config.queue_max_wait, self._clock)
        remote = None
        if self._redis is not None:
            lock_ttl = config.total_timeout + config.queue_max_wait + 2
            remote = RedisFlights(self._redis, config.redis_prefix, lock_ttl, self._clock)
        self._flights = Coalescer(LocalFlights(), remote, self._clock)
        self._rec = Recorder(self._clock, self._prom, metrics_sink, config.secrets())

    @property
    def configured(self) -> bool:
        """Whether any provider is configured."""
        return bool(self._providers)

    @property
    def providers(self) -> list[str]:
        return [p.name for p in self._providers]

    def breaker_states(self) -> dict[str, str]:
        """Each provider's circuit state ("closed", "open", "half_open"), for health checks."""
        return {name: breaker.state for name, breaker in self._chain.breakers.items()}

    def close(self) -> None:
        if self._owns_http:
            self._http.close()
        if self._redis is not None:
            self._redis.close()

    def __enter__(self) -> AIGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def complete(
        self,
        tenant: str,
        messages: list[dict],
        *,
        response_format: dict | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        metadata: dict | None = None,
        deadline: float | None = None,
    ) -> Completion:
        """Answer `messages` for `tenant`.

        `deadline` is an absolute value of the clock's monotonic(); queueing and
        HTTP calls stop in time to respect it. Raises RateLimited, Unavailable (NotConfigured) or
        BadResponse; ValueError for invalid arguments (such as metadata Cloudflare would drop).
        """
        call = Call(tenant, streamed=False, started=self._clock.monotonic())
        req = self._request(tenant, messages, response_format, max_tokens, temperature, metadata, stream=False)
        until = self._deadline(call.started, deadline)
        try:
            if not self._providers:
                raise NotConfigured()
            hit = self._cache.get(req.cache_key)
            if hit is not None:
                return self._rec.done(call, hit, cache_hit=True)
            ticket = self._flights.enter(req.cache_key, until, alone_on_timeout=False)
            if not ticket.leads:
                return self._rec.done(call, ticket.answer, coalesced=True)
            try:
                answer, cache_hit = self._lead(req, until)
            except BaseException as exc:
                self._flights.exit(ticket, error=self._shareable(exc))
                raise
            self._flights.exit(ticket, answer=answer)
            return self._rec.done(call, answer, cache_hit=cache_hit)
        except GatewayError as exc:
            self._rec.failed(call, exc)
            raise

    def _lead(self, req: ChatRequest, until: float) -> tuple[Answer, bool]:
        cached = self._cache.get(req.cache_key)  # a flight that just landed may have filled it
        if cached is not None:
            return cached, True
        self._gate.acquire(req.tenant, until)
        answer = self._chain.complete(req, until)
        self._cache.put(req.cache_key, answer.for_cache(), self.config.cache_ttl)
        return answer, False

    def stream(
        self,
        tenant: str,
        messages: list[dict],
        *,
        max_tokens: int = 512,
        temperature: float = 0.6,
        metadata: dict | None = None,
        deadline: float | None = None,
    ) -> Iterator[StreamEvent]:
        """Stream an answer: text events, then one `done` event carrying the Completion.

        Nothing happens until the first next(). Errors before any text raise like complete() does; a
        stream that breaks after text was yielded raises BadResponse (it cannot be retried unseen).
        JSON mode is never streamed, so there is no response_format here.
        """
        call = Call(tenant, streamed=True, started=self._clock.monotonic())
        req = self._request(tenant, messages, None, max_tokens, temperature, metadata, stream=True)
        start_by = self._deadline(call.started, deadline)
        try:
            if not self._providers:
                raise NotConfigured()
            hit = self._cache.get(req.cache_key)
            ticket = None if hit is not None else self._flights.enter(req.cache_key, start_by, alone_on_timeout=True)
        except GatewayError as exc:
            self._rec.failed(call, exc)
            raise
        if hit is not None:
            yield from self._replay(call, hit, cache_hit=True)
        elif not ticket.leads:
            yield from self._replay(call, ticket.answer, coalesced=True)
        else:
            yield from self._lead_stream(call, req, ticket, start_by, deadline)

    def _lead_stream(
        self, call: Call, req: ChatRequest, ticket: Ticket, start_by: float, deadline: float | None
    ) -> Iterator[StreamEvent]:
        sent: list[Delta] = []
        landed = False
        try:
            cached = self._cache.get(req.cache_key)
            if cached is not None:
                self._flights.exit(ticket, answer=cached)
                landed = True
                yield from self._replay(call, cached, cache_hit=True)
                return
            self._gate.acquire(req.tenant, start_by)
            for item in self._chain.stream(req, start_by, deadline):
                if isinstance(item, Delta):
                    sent.append(item)
                    yield StreamEvent(item.text)
                    continue
                # Only a stream that completed cleanly is cached and shared.
                self._cache.put(req.cache_key, item.for_cache(), self.config.cache_ttl)
                self._flights.exit(ticket, answer=item)
                landed = True
                yield StreamEvent("", done=True, completion=self._rec.done(call, item))
        except GatewayError as exc:
            if not landed:
                self._flights.exit(ticket, error=self._shareable(exc))
                landed = True
            self._rec.failed(call, exc)
            raise
        except GeneratorExit:
            if sent and not landed:
                last = sent[-1]
                text = "".join(d.text for d in sent)
                partial = Answer(
                    text,
                    last.provider,
                    last.model,
                    estimate_prompt_tokens(req.messages),
                    estimate_tokens(text),
                    True,
                    chunks=tuple(d.text for d in sent),
                )
                self._rec.record(call, partial, status="cancelled", error="The caller stopped reading the stream.")
            raise
        finally:
            if not landed:
                self._flights.exit(ticket)  # followers start over

    def _replay(self, call: Call, answer: Answer, *, cache_hit: bool = False, coalesced: bool = False):
        """Yield a stored answer chunk by chunk, as it was first streamed."""
        try:
            for chunk in answer.chunks if answer.chunks is not None else (answer.text,):
                yield StreamEvent(chunk)
        except GeneratorExit:
            self._rec.record(call, answer, status="cancelled", cache_hit=cache_hit, coalesced=coalesced, free=True)
            raise
        done = self._rec.done(call, answer, cache_hit=cache_hit, coalesced=coalesced)
        yield StreamEvent("", done=True, completion=done)

    # -- helpers -------------------------------------------------------------------------------

    def _request(self, tenant, messages, response_format, max_tokens, temperature, metadata, *, stream) -> ChatRequest:
        if not tenant or not isinstance(tenant, str):
            raise ValueError("tenant must be a non-empty string.")
        if not isinstance(messages, list) or not all(isinstance(m, dict) and "role" in m for m in messages):
            raise ValueError("messages must be a list of {'role', 'content'} dicts.")
        if not isinstance(max_tokens, int) or max_tokens < 1:
            raise ValueError("max_tokens must be a positive integer (Workers AI's default of 256 is never relied on).")
        metadata_header(tenant, metadata)  # refuse what Cloudflare would silently drop, whatever the provider
        config = self.config
        key = cache_key(
            tenant=tenant,
            scope=config.cache_scope,
            model=config.model,
            messages=messages,
            response_format=response_format,
            max_tokens=max_tokens,
            temperature=temperature,
            stream=stream,
        )
        return ChatRequest(
            tenant,
            messages,
            max_tokens,
            temperature,
            response_format,
            metadata,
            stream,
            cache_key=key,
            cache_ttl=config.cache_ttl,
        )

    def _deadline(self, started: float, deadline: float | None) -> float:
        until = started + self.config.total_timeout
        return until if deadline is None else min(until, deadline)

    def _shareable(self, exc: BaseException) -> BaseException | None:
        """The error followers should get, or None to make them try themselves."""
        if not isinstance(exc, GatewayError) or isinstance(exc, StreamBroken):
            return None
        if isinstance(exc, RateLimited) and exc.scope == "tenant" and self.config.cache_scope == "shared":
            return None  # the leader's tenant is over its limit; a follower's tenant may not be
        return exc
