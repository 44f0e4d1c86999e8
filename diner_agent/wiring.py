"""Build the collaborators from settings: the store, the AI gateway, the LLM reader bridged onto it, and
the command service. Shared by `create_app` and the CLI so both wire things the same way.

This is the one module that sees both `gateway` and `commands`: it turns gateway errors into the
command layer's LlmRateLimited / LlmUnavailable, so neither package imports the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from diner_agent.clock import Clock, SystemClock
from diner_agent.commands.llm import LlmRateLimited, LlmUnavailable
from diner_agent.commands.llm_parse import LlmParser
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, secret_value
from diner_agent.gateway import AIGateway, GatewayConfig, GatewayError, RateLimited
from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage import UsageSink

log = logging.getLogger(__name__)
LLM_PARSE_MAX_TOKENS = 400


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
        connect_timeout=settings.ai_connect_timeout,
        first_byte_timeout=settings.ai_read_timeout,
        total_timeout=settings.ai_total_timeout,
    )


def gateway_completer(gateway: AIGateway) -> Callable[[str, list[dict[str, str]], dict, float | None], str]:
    """The `complete` function the LLM parser needs, on top of the gateway."""

    def complete(tenant_id: str, messages: list[dict[str, str]], response_format: dict, deadline: float | None) -> str:
        try:
            answer = gateway.complete(
                tenant_id,
                messages,
                response_format=response_format,
                max_tokens=LLM_PARSE_MAX_TOKENS,
                temperature=0.0,
                metadata={"purpose": "parse"},
                deadline=deadline,
            )
        except RateLimited as exc:
            if exc.scope == "tenant":
                raise LlmRateLimited(exc.retry_after) from None
            raise LlmUnavailable(str(exc)) from None
        except GatewayError as exc:
            raise LlmUnavailable(str(exc)) from None
        return answer.text

    return complete


@dataclass
class Built:
    store: MenuStore
    service: CommandService
    gateway: AIGateway | None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        """Run the closers newest first (what was built on top goes before what it stands on); a second
        call does nothing, so gunicorn's worker_exit and a test fixture may both close."""
        while self.closers:
            self.closers.pop()()


def build(settings: Settings, *, use_llm: bool = True, clock: Clock | None = None) -> Built:
    """Everything a process needs, all on one clock; call `.close()` to release connections."""
    clock = clock or SystemClock()
    store = MenuStore.from_url(settings.database_url, clock=clock)
    closers: list[Callable[[], None]] = [store.close]
    gateway = None
    if use_llm:
        gateway = AIGateway(gateway_config(settings), metrics_sink=UsageSink(store), clock=clock)
        if gateway.configured:
            closers.append(gateway.close)
        else:
            gateway.close()
            gateway = None
    llm = LlmParser(gateway_completer(gateway)) if gateway is not None else None
    service = CommandService(store, llm=llm, clock=clock, public_base_url=settings.public_base_url)
    return Built(store, service, gateway, closers)
