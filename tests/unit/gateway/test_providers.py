"""Reading each wire format, from httpx.Response objects built in memory (no network)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from diner_agent.gateway import GatewayConfig, RateLimited
from diner_agent.gateway.providers import (
    CloudflareGateway,
    OpenAICompatible,
    Usage,
    WorkersAI,
    build_providers,
    openai_response_format,
    workers_response_format,
)
from diner_agent.gateway.sse import iter_data
from diner_agent.gateway.upstream_errors import ProviderFailure, check_status, parse_retry_after

CONFIG = GatewayConfig(
    gateway_url="https://gateway.ai.cloudflare.com/v1/acct/gw/",
    gateway_token="g",
    account_id="acct",
    api_token="t",
    openai_base_url="http://localhost:11434/v1",
)
NOW = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)


def response(status: int, json=None, text: str | None = None, headers=None) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    return httpx.Response(status, json=json, headers=headers)


def test_providers_come_in_fallback_order_and_gateway_url_is_normalised():
    assert [p.name for p in build_providers(CONFIG)] == ["ai-gateway", "workers-ai", "openai-compatible"]
    assert CloudflareGateway(CONFIG).url == "https://gateway.ai.cloudflare.com/v1/acct/gw/compat/chat/completions"
    pasted = GatewayConfig(gateway_url="https://gateway.ai.cloudflare.com/v1/acct/gw/compat/chat/completions")
    assert pasted.gateway_url == "https://gateway.ai.cloudflare.com/v1/acct/gw"


def test_gateway_and_workers_ai_spend_the_same_accounts_quota():
    assert CloudflareGateway(CONFIG).account == WorkersAI(CONFIG).account != OpenAICompatible(CONFIG).account


def test_workers_ai_envelope_with_text_and_usage():
    body = {
        "result": {"response": "ok", "usage": {"prompt_tokens": 5, "completion_tokens": 1}},
        "success": True,
    }
    reply = WorkersAI(CONFIG).parse_reply(response(200, body))
    assert (reply.text, reply.usage) == ("ok", Usage(5, 1))


def test_workers_ai_json_mode_object_is_re_serialised():
    reply = WorkersAI(CONFIG).parse_reply(response(200, {"result": {"response": {"a": [1]}}, "success": True}))
    assert reply.text == '{"a": [1]}' and reply.usage is None


@pytest.mark.parametrize(
    "body",
    [
        {"success": False, "errors": [{"code": 5007, "message": "No such model"}]},
        {"result": {}},
        {"result": None},
    ],
)
def test_workers_ai_envelopes_without_an_answer_fail(body):
    with pytest.raises(ProviderFailure):
        WorkersAI(CONFIG).parse_reply(response(200, body))


def test_malformed_json_fails():
    with pytest.raises(ProviderFailure, match="malformed"):
        CloudflareGateway(CONFIG).parse_reply(response(200, text="{nope"))


def test_openai_reply_needs_text_content():
    with pytest.raises(ProviderFailure):
        OpenAICompatible(CONFIG).parse_reply(response(200, {"choices": [{"message": {"content": None}}]}))


def test_openai_stream_collects_text_and_the_usage_chunk():
    lines = [
        'data: {"choices":[{"delta":{"role":"assistant"}}]}',
        "",
        'data: {"choices":[{"delta":{"content":"Hi"}}]}',
        "",
        ": keep-alive comment",
        "",
        'data: {"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":1}}',
        "",
        "data: [DONE]",
        "",
    ]
    assert list(CloudflareGateway(CONFIG).parse_stream(iter(lines))) == ["Hi", Usage(7, 1)]


def test_usage_on_the_last_content_chunk_is_kept_too():
    lines = [
        'data: {"choices":[{"delta":{"content":"Hi"}}],"usage":{"prompt_tokens":2,"completion_tokens":1}}',
        "",
        "data: [DONE]",
        "",
    ]
    assert list(OpenAICompatible(CONFIG).parse_stream(iter(lines))) == ["Hi", Usage(2, 1)]


@pytest.mark.parametrize("provider", [CloudflareGateway(CONFIG), WorkersAI(CONFIG)], ids=["openai", "workers"])
def test_a_stream_without_done_is_truncated(provider):
    frame = '{"response":"Hi"}' if isinstance(provider, WorkersAI) else '{"choices":[{"delta":{"content":"Hi"}}]}'
    with pytest.raises(ProviderFailure, match="truncated"):
        list(provider.parse_stream(iter([f"data: {frame}", ""])))


def test_workers_ai_stream_frames():
    lines = [
        'data: {"response":"New"}',
        "",
        'data: {"response":" York"}',
        "",
        'data: {"response":"","usage":{"prompt_tokens":3,"completion_tokens":2}}',
        "",
        "data: [DONE]",
        "",
    ]
    assert list(WorkersAI(CONFIG).parse_stream(iter(lines))) == ["New", " York", Usage(3, 2)]


def test_sse_joins_multi_line_data_and_skips_other_fields():
    assert list(iter_data(["event: x", "data: a", "data: b", "", "id: 1", "data:c", ""])) == ["a\nb", "c"]


def test_response_format_is_translated_both_ways():
    schema = {"type": "object"}
    openai = {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}
    bare = {"type": "json_schema", "json_schema": schema}
    assert workers_response_format(openai) == bare
    assert openai_response_format(bare) == {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": schema},
    }
    assert openai_response_format(openai) == openai and workers_response_format(bare) == bare
    assert workers_response_format({"type": "json_object"}) == {"type": "json_object"}


def test_429_with_retry_after_and_cloudflare_code():
    body = {"success": False, "errors": [{"code": 3040, "message": "Capacity temporarily exceeded"}]}
    with pytest.raises(RateLimited) as caught:
        check_status("workers-ai", response(429, body, headers={"retry-after": "12"}), NOW)
    assert (caught.value.retry_after, caught.value.code, caught.value.scope) == (12.0, 3040, "upstream")


def test_429_quota_exhausted_defaults_to_midnight_utc():
    with pytest.raises(RateLimited) as caught:
        check_status("workers-ai", response(429, {"errors": [{"code": 3036, "message": "quota"}]}), NOW)
    assert caught.value.retry_after == 6 * 3600


def test_429_from_a_gateway_policy_has_no_code():
    with pytest.raises(RateLimited) as caught:
        check_status("ai-gateway", response(429, {"success": False, "error": {"message": "Spending limit"}}), NOW)
    assert caught.value.code is None and caught.value.retry_after == 1.0


def test_5xx_trips_the_breaker_and_4xx_does_not():
    with pytest.raises(ProviderFailure) as server:
        check_status("x", response(502, text="<html>bad gateway</html>"), NOW)
    with pytest.raises(ProviderFailure) as client:
        check_status("x", response(401, {"errors": [{"code": 10000, "message": "Authentication error"}]}), NOW)
    assert server.value.breaker and not client.value.breaker
    assert "Authentication error" in client.value.reason


def test_retry_after_as_an_http_date():
    assert parse_retry_after("Fri, 27 Nov 2026 18:00:30 GMT", NOW) == 30
    assert parse_retry_after("soon", NOW) is None and parse_retry_after(None, NOW) is None
