"""The composition root: everything one process runs on, built from settings on one clock.

`Assembly.build(settings)` makes the store, the AI usage sink, the AI gateway bridged onto the command
layer's Llm port, the command service and what the channels share (follow-ups, Slack's listener pool);
`create_app` mounts the web app on one, the CLI builds its own. `Assembly.of(app)` is how tests and
gunicorn's hooks reach the one an app was built with, and `close()` shuts it down in order.

This is the one module that sees both the gateway and the command layer: `GatewayLlm` turns gateway
calls and errors into the port's, so neither package imports the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from diner_agent.availability import deliverers, retention, store_deadlines, work_settings
from diner_agent.channels.durable import DurableWork
from diner_agent.channels.followups import InProcessFollowups
from diner_agent.channels.slack.listeners import ListenerPool
from diner_agent.channels.work_ports import worker_name
from diner_agent.clock import Clock, SystemClock
from diner_agent.commands.language_model import (
    CallFacts,
    LlmAnswer,
    LlmBroken,
    LlmChunk,
    LlmError,
    LlmOverBudget,
    LlmRateLimited,
    LlmUnavailable,
)
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, secret_value
from diner_agent.gateway import (
    AIGateway,
    BudgetAlert,
    BudgetExceeded,
    Completion,
    GatewayConfig,
    GatewayError,
    RateInfo,
    RateLimited,
    TenantPolicy,
)
from diner_agent.menu.retention import DailyPrune
from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage.alerts import record_alert
from diner_agent.menu.usage.sink import UsageSink
from diner_agent.menu.work_queue import SqlWorkQueue

log = logging.getLogger(__name__)
APP_KEY = "diner_agent"  # where create_app keeps the Assembly in `app.extensions`


def gateway_config(settings: Settings) -> GatewayConfig:
    return GatewayConfig(
        gateway_url=settings.cloudflare_ai_gateway_url,
        gateway_token=secret_value(settings.cloudflare_ai_gateway_token),
        account_id=settings.cloudflare_account_id,
        api_token=secret_value(settings.cloudflare_api_token),
        api_base=settings.cloudflare_api_base,
        openai_base_url=settings.llm_base_url,
        openai_api_key=secret_value(settings.llm_api_key),
        model=settings.llm_model,
        rate_limit=settings.ai_rate_limit,
        rate_limit_mode=settings.ai_rate_limit_mode,
        queue_max_wait=settings.ai_queue_max_wait,
        cache_ttl=settings.ai_cache_ttl,
        cache_scope=settings.ai_cache_scope,
        redis_url=settings.redis_url,
        redis_timeout=settings.redis_timeout,
        redis_skip_for=settings.redis_skip_for,
        connect_timeout=settings.ai_connect_timeout,
        first_byte_timeout=settings.ai_read_timeout,
        total_timeout=settings.ai_total_timeout,
        daily_budget_usd=settings.ai_daily_budget_usd,
        monthly_budget_usd=settings.ai_monthly_budget_usd,
        alert_webhook_url=secret_value(settings.alert_webhook_url),
    )


def policy_of(store: MenuStore) -> Callable[[str], TenantPolicy | None]:
    """A diner's AI policy from its `ai:` block, as of the snapshot its request just read."""

    def policy(tenant_id: str) -> TenantPolicy | None:
        tenant = store.cached_tenant(tenant_id)
        if tenant is None:
            return None
        ai = tenant.ai
        if ai is None:
            return TenantPolicy(timezone=tenant.timezone)
        return TenantPolicy(ai.rate_limit, ai.cache_ttl, ai.daily_budget_usd, ai.monthly_budget_usd, tenant.timezone)

    return policy


class GatewayLlm:
    """The command layer's Llm port on the AI gateway: `purpose` becomes the call's metadata, and the
    gateway's errors become the port's (a rate limit keeps its scope; anything after streamed text is
    a broken answer). The diner's own policy comes from `policy` (its tenant file `ai:` block)."""

    def __init__(self, gateway: AIGateway, policy: Callable[[str], TenantPolicy | None] | None = None) -> None:
        self.gateway = gateway
        self._policy = policy or (lambda tenant_id: None)

    def rate_status(self, tenant_id: str) -> CallFacts | None:
        return _facts(None, self.gateway.rate_status(tenant_id, self._policy(tenant_id)))

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
        try:
            done = self.gateway.complete(
                tenant_id,
                messages,
                response_format=response_format,
                max_tokens=max_tokens,
                temperature=temperature,
                metadata={"purpose": purpose},
                deadline=deadline,
                policy=self._policy(tenant_id),
                cache_context=cache_context,
                use_cache=use_cache,
            )
        except GatewayError as exc:
            raise _port_error(exc) from None
        return LlmAnswer(done.text, done.prompt_tokens, done.completion_tokens, _facts(done, done.rate))

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
        events = self.gateway.stream(
            tenant_id,
            messages,
            max_tokens=max_tokens,
            temperature=temperature,
            metadata={"purpose": purpose},
            deadline=deadline,
            policy=self._policy(tenant_id),
            cache_context=cache_context,
            use_cache=use_cache,
        )
        sent = False
        try:
            for event in events:
                if event.done and event.completion is not None:
                    done = event.completion
                    answer = LlmAnswer(done.text, done.prompt_tokens, done.completion_tokens, _facts(done, done.rate))
                    yield LlmChunk(answer=answer)
                    return
                sent = sent or bool(event.delta)
                head = None
                if event.cache is not None:
                    head = CallFacts(event.cache, event.provider, None, *_window(event.rate))
                yield LlmChunk(event.delta, facts=head)
        except GatewayError as exc:
            raise (LlmBroken(str(exc)) if sent else _port_error(exc)) from None
        finally:
            events.close()  # a reader that stopped reading cancels the upstream call


def _window(rate: RateInfo | None) -> tuple[int | None, int | None, float | None]:
    return (rate.limit, rate.remaining, rate.reset_after) if rate is not None else (None, None, None)


def _facts(done: Completion | None, rate: RateInfo | None) -> CallFacts:
    if done is None:
        return CallFacts(None, None, None, *_window(rate))
    return CallFacts(done.cache, done.provider, done.cost_usd, *_window(rate))


def _port_error(exc: GatewayError) -> LlmError:
    if isinstance(exc, RateLimited):
        return LlmRateLimited(exc.retry_after, exc.scope, _facts(None, exc.rate) if exc.rate else None)
    if isinstance(exc, BudgetExceeded):
        return LlmOverBudget("day" if exc.period == "day" else "month", exc.retry_after)
    return LlmUnavailable(str(exc))


@dataclass
class Assembly:
    """The collaborators of one process. Build with `Assembly.build`; `close()` releases them."""

    settings: Settings
    clock: Clock
    store: MenuStore
    service: CommandService
    followups: InProcessFollowups
    slack_listeners: ListenerPool
    usage: UsageSink | None = None
    durable: DurableWork | None = None
    gateway: AIGateway | None = None
    llm: GatewayLlm | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None, use_llm: bool = True) -> Assembly:
        clock = clock or SystemClock()
        store = MenuStore.from_url(settings.database_url, clock=clock, deadlines=store_deadlines(settings))
        closers: list[Callable[[], None]] = [store.close]
        if settings.prune_daily:
            closers.append(DailyPrune(store, retention(settings)).close)
        usage = gateway = llm = None
        if use_llm:
            usage = UsageSink(store)
            gateway = AIGateway(
                gateway_config(settings), metrics_sink=usage, clock=clock, keep_alert=_alert_rows(store)
            )
            if gateway.configured:
                closers += [usage.close, gateway.close]
                llm = GatewayLlm(gateway, policy_of(store))
            else:
                gateway.close()
                usage = gateway = None
        service = CommandService(store, clock=clock, llm=llm, public_base_url=settings.public_base_url)
        followups = InProcessFollowups(clock)
        listeners = ListenerPool()
        durable = None
        late = deliverers(settings) if llm is not None else {}
        if late:  # model work, off the request path, durable (docs/availability.md)
            queue = SqlWorkQueue(store, worker=worker_name(), lease=settings.work_lease_seconds)
            durable = DurableWork(queue, service, clock, late, work_settings(settings))
        # Closers run newest first: Slack's listeners finish (they may hand work on), then the durable
        # work and the follow-ups drain, and only then do the gateway, the usage rows and the store go.
        closers += [followups.close] + ([durable.close] if durable else []) + [listeners.shutdown]
        return cls(settings, clock, store, service, followups, listeners, usage, durable, gateway, llm, closers)

    @staticmethod
    def of(app: object) -> Assembly:
        """The Assembly a Flask app was built with (`create_app` keeps it in `app.extensions`)."""
        return app.extensions[APP_KEY]  # type: ignore[attr-defined]

    def close(self) -> None:
        """Run the closers newest first (what was built on top goes before what it stands on); a second
        call does nothing, so gunicorn's worker_exit and a test fixture may both close."""
        while self.closers:
            self.closers.pop()()


def _alert_rows(store: MenuStore) -> Callable[[BudgetAlert], None]:
    def keep(alert: BudgetAlert) -> None:
        record_alert(store, alert.to_dict())

    return keep
