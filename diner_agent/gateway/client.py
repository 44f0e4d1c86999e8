"""AIGateway: per-tenant policy in front of the provider fallback chain.

One call goes: response cache -> single-flight (identical calls in flight) -> the diner's rate limit
and budget (admission.py) -> providers in fallback order -> cache the answer -> settle the budget ->
one CallRecord to the metrics sink. The cache and the in-flight table come before the limit, so hits
and followers spend no quota and no budget. The diner's `TenantPolicy` (its `ai:` block) overrides the
deployment's rate limit, cache TTL and budgets for its own calls (policy.py).

Wire formats are in providers.py, the chain in fallback.py, streams in streaming.py; this module decides.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from prometheus_client import CollectorRegistry

from diner_agent.clock import Clock, SystemClock
from diner_agent.redis_guard import guarded_redis

from .admission import Admission, Admitted
from .alerts import AlertDispatcher
from .answer import Answer
from .budget import BudgetAlert, Budgets
from .cache import MemoryCache, RedisCache, ResponseCache, cache_key
from .coalesce import Coalescer, LocalFlights, RedisFlights
from .completion import Completion
from .config import GatewayConfig
from .errors import GatewayError, NotConfigured, RateLimited
from .fallback import FallbackChain, StreamBroken
from .metadata import metadata_header
from .metrics import MetricsSink, prometheus_metrics
from .policy import Effective, TenantPolicy, effective
from .providers import ChatRequest, build_providers
from .rate_limit import RateInfo, TenantGate, TenantLimiter
from .recording import Call, Recorder
from .streaming import Streaming


class AIGateway(Streaming):
    """The AI gateway client. Thread-safe; build one per process and share it.

    Args:
        config: providers, limits, cache and timeouts.
        metrics_sink: receives one CallRecord per complete()/stream() call.
        clock: time source for deadlines, TTLs, breakers and the usage rows' timestamps.
        http_client: an httpx.Client to send through (tests may give it a transport); closed by
            close() only if the gateway created it.
        registry: Prometheus registry for the gateway's series (default: the global one).
        keep_alert: stores a budget alert (the dashboard's badge); called off the request path.
    """

    def __init__(
        self,
        config: GatewayConfig,
        metrics_sink: MetricsSink | None = None,
        clock: Clock | None = None,
        http_client: httpx.Client | None = None,
        *,
        registry: CollectorRegistry | None = None,
        keep_alert: Callable[[BudgetAlert], None] | None = None,
    ) -> None:
        self.config = config
        self._clock = clock or SystemClock()
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(limits=httpx.Limits(max_connections=100, max_keepalive_connections=50))
        self._redis = (
            guarded_redis(
                config.redis_url,
                self._clock,
                name="gateway",
                timeout=config.redis_timeout,
                skip_for=config.redis_skip_for,
            )
            if config.redis_url
            else None
        )
        self._prom = prometheus_metrics(registry)
        self._providers = build_providers(config)
        self._chain = FallbackChain(self._providers, self._http, config, self._clock, self._prom.observe_upstream)
        self._cache: ResponseCache
        if self._redis is not None:
            self._cache = RedisCache(self._redis, config.redis_prefix)
        else:
            self._cache = MemoryCache(self._clock, config.cache_max_entries)
        limiter = TenantLimiter(config.rate_limit, self._redis, config.redis_prefix)
        self._gate = TenantGate(limiter, config.rate_limit_mode, config.queue_max_wait, self._clock)
        self.budgets = Budgets(self._redis, config.redis_prefix)
        self.alerts = AlertDispatcher(config.alert_webhook_url, keep_alert)
        self._admission = Admission(self._gate, self.budgets, config.model, self._clock, self.alerts.publish)
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

    def rate_status(self, tenant: str, policy: TenantPolicy | None = None) -> RateInfo | None:
        """The diner's rate-limit window now, without taking a slot (for answers that asked no model)."""
        return self._admission.status(tenant, effective(self.config, policy))

    def breaker_states(self) -> dict[str, str]:
        """Each provider's circuit state ("closed", "open", "half_open"), for health checks."""
        return {name: breaker.state for name, breaker in self._chain.breakers.items()}

    def close(self) -> None:
        self.alerts.close()
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
        policy: TenantPolicy | None = None,
        cache_context: str | None = None,
        use_cache: bool = True,
    ) -> Completion:
        """Answer `messages` for `tenant`.

        `deadline` is an absolute value of the clock's monotonic(); queueing and HTTP calls stop in time
        to respect it. `policy` is the diner's own (its rate limit, cache TTL, budgets); `cache_context`
        names what the system prompt was built from (see cache.py); `use_cache=False` asks upstream
        even when a cached answer exists (and caches the fresh one). Raises RateLimited, BudgetExceeded,
        Unavailable (NotConfigured) or BadResponse; ValueError for invalid arguments (such as metadata
        Cloudflare would drop).
        """
        call = Call(tenant, streamed=False, started=self._clock.monotonic())
        pol = effective(self.config, policy)
        req = self._request(
            tenant, messages, response_format, max_tokens, temperature, metadata, False, pol, cache_context
        )
        until = self._deadline(call.started, deadline)
        try:
            if not self._providers:
                raise NotConfigured()
            use_cache = use_cache and pol.cache_ttl > 0  # a diner (or deployment) with TTL 0 caches nothing
            hit = self._cache.get(req.cache_key) if use_cache else None
            if hit is not None:
                return self._rec.done(call, hit, cache_hit=True, rate=self._admission.status(tenant, pol))
            ticket = self._flights.enter(req.cache_key, until, alone_on_timeout=False)
            if not ticket.leads:
                return self._rec.done(call, ticket.answer, coalesced=True, rate=self._admission.status(tenant, pol))
            try:
                answer, cache_hit, admitted = self._lead(req, pol, until, use_cache)
            except BaseException as exc:
                self._flights.exit(ticket, error=self._shareable(exc))
                raise
            self._flights.exit(ticket, answer=answer)
            return self._rec.done(call, answer, cache_hit=cache_hit, rate=admitted.rate if admitted else None)
        except GatewayError as exc:
            self._rec.failed(call, exc)
            raise

    def _lead(
        self, req: ChatRequest, pol: Effective, until: float, use_cache: bool
    ) -> tuple[Answer, bool, Admitted | None]:
        cached = self._cache.get(req.cache_key) if use_cache else None  # a flight that just landed may have filled it
        if cached is not None:
            return cached, True, None
        admitted = self._admission.admit(req, pol, until)
        try:
            answer = self._chain.complete(req, until)
        except BaseException:
            self._admission.settle(admitted, None)
            raise
        self._admission.settle(admitted, answer)
        self._cache.put(req.cache_key, answer.for_cache(), pol.cache_ttl)
        return answer, False, admitted

    # -- helpers -------------------------------------------------------------------------------

    def _request(  # type: ignore[no-untyped-def]
        self, tenant, messages, response_format, max_tokens, temperature, metadata, stream, pol, context
    ) -> ChatRequest:
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
            context=context,
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
            cache_ttl=pol.cache_ttl,
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
