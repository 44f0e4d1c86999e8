"""What goes over the wire to each provider, and how each answer is read back: over real sockets, against
the loopback server (the policy tests beside this one use the MockTransport)."""

from __future__ import annotations

import json

import pytest

from tests.fakes.cloudflare import GATEWAY, OPENAI, WORKERS_AI, Reply
from tests.integration.gateway.conftest import MESSAGES

SCHEMA = {"type": "object", "properties": {"commands": {"type": "array"}}, "required": ["commands"]}
OPENAI_FORMAT = {"type": "json_schema", "json_schema": {"name": "commands", "schema": SCHEMA}}


@pytest.fixture
def fake_cloudflare(loopback_cloudflare):
    """Every test here talks to the loopback server."""
    return loopback_cloudflare


def test_compat_request_has_the_documented_url_model_and_headers(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(GATEWAY)
    gateway.complete("blue-plate", MESSAGES, metadata={"channel": "sms"})

    (sent,) = fake_cloudflare.requests
    assert sent.path == f"/v1/{fake_cloudflare.account_id}/{fake_cloudflare.gateway_id}/compat/chat/completions"
    assert sent.body["model"] == "workers-ai/@cf/meta/llama-3.1-8b-instruct-fast"
    assert sent.headers["cf-aig-authorization"] == f"Bearer {fake_cloudflare.gateway_token}"
    assert sent.headers["authorization"] == f"Bearer {fake_cloudflare.api_token}"
    assert sent.metadata == {"tenant": "blue-plate", "channel": "sms"}
    assert sent.body["max_tokens"] == 256 and sent.body["temperature"] == 0.0
    assert sent.body["messages"] == MESSAGES


def test_compat_request_asks_the_gateway_cache_for_a_tenant_scoped_entry(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(GATEWAY, cache_ttl=300)
    gateway.complete("blue-plate", MESSAGES)
    gateway.complete("green-door", MESSAGES)

    first, second = fake_cloudflare.requests
    assert first.headers["cf-aig-cache-ttl"] == "300"
    assert first.headers["cf-aig-cache-key"] != second.headers["cf-aig-cache-key"]


def test_without_our_cache_the_gateway_cache_is_skipped_too(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(GATEWAY, cache_ttl=0)
    gateway.complete("blue-plate", MESSAGES)
    (sent,) = fake_cloudflare.requests
    assert sent.headers["cf-aig-skip-cache"] == "true"
    assert "cf-aig-cache-ttl" not in sent.headers


def test_gateway_log_id_is_returned_and_recorded(make_gateway, fake_cloudflare):
    gateway, sink = make_gateway(GATEWAY)
    answer = gateway.complete("blue-plate", MESSAGES)
    assert answer.log_id and answer.log_id.startswith("01FAKELOG")
    assert sink.records[0].log_id == answer.log_id


def test_gateway_cache_hit_is_free(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("cached upstream", headers={"cf-aig-cache-status": "HIT"}))
    gateway, sink = make_gateway(GATEWAY)
    answer = gateway.complete("blue-plate", MESSAGES)
    assert answer.cache_hit and answer.cost_usd == 0
    assert sink.records[0].cache_hit and sink.records[0].provider == GATEWAY


def test_workers_ai_direct_request_and_envelope(make_gateway, fake_cloudflare):
    fake_cloudflare.workers_ai.always(
        Reply("Meatloaf is sold out.", usage={"prompt_tokens": 30, "completion_tokens": 6})
    )
    gateway, _ = make_gateway(WORKERS_AI)
    answer = gateway.complete("blue-plate", MESSAGES, max_tokens=64, temperature=0.2)

    (sent,) = fake_cloudflare.requests
    assert sent.path == f"/client/v4/accounts/{fake_cloudflare.account_id}/ai/run/@cf/meta/llama-3.1-8b-instruct-fast"
    assert sent.headers["authorization"] == f"Bearer {fake_cloudflare.api_token}"
    assert sent.body == {"messages": MESSAGES, "max_tokens": 64, "temperature": 0.2}
    assert (answer.text, answer.provider) == ("Meatloaf is sold out.", WORKERS_AI)
    assert (answer.prompt_tokens, answer.completion_tokens) == (30, 6)


def test_workers_ai_json_mode_object_comes_back_as_json_text(make_gateway, fake_cloudflare):
    parsed = {"commands": [{"action": "toggle_available", "target": "Meatloaf", "value": False}]}
    fake_cloudflare.workers_ai.always(Reply(json=parsed))
    gateway, _ = make_gateway(WORKERS_AI)
    answer = gateway.complete("blue-plate", MESSAGES, response_format=OPENAI_FORMAT)

    assert json.loads(answer.text) == parsed
    # Workers AI takes the bare JSON Schema, not OpenAI's {"name", "schema"} wrapper.
    assert fake_cloudflare.requests[0].body["response_format"] == {
        "type": "json_schema",
        "json_schema": SCHEMA,
    }


def test_openai_formats_keep_openai_response_format(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(GATEWAY)
    gateway.complete("blue-plate", MESSAGES, response_format=OPENAI_FORMAT)
    assert fake_cloudflare.requests[0].body["response_format"] == OPENAI_FORMAT


def test_openai_compatible_server_gets_its_own_model_and_key(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(OPENAI, openai_model="llama3.1:8b")
    answer = gateway.complete("blue-plate", MESSAGES)

    (sent,) = fake_cloudflare.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.body["model"] == "llama3.1:8b"
    assert sent.headers["authorization"] == f"Bearer {fake_cloudflare.openai_api_key}"
    assert (answer.provider, answer.model) == (OPENAI, "llama3.1:8b")
    assert answer.cost_usd == 0 and answer.cost_estimated  # no price known for a local model


def test_stream_asks_for_usage_and_never_sends_response_format(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("Pie is back.", usage={"prompt_tokens": 20, "completion_tokens": 4}))
    gateway, sink = make_gateway(GATEWAY)
    events = list(gateway.stream("blue-plate", MESSAGES))

    sent = fake_cloudflare.requests[0].body
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert "response_format" not in sent and sent["max_tokens"] == 512
    assert "".join(e.delta for e in events) == "Pie is back."
    final = events[-1]
    assert final.done and (final.completion.prompt_tokens, final.completion.completion_tokens) == (20, 4)
    assert (sink.records[0].prompt_tokens, sink.records[0].completion_tokens) == (20, 4)


def test_workers_ai_stream_is_read_frame_by_frame(make_gateway, fake_cloudflare):
    fake_cloudflare.workers_ai.always(Reply("New York", chunks=("New", " York")))
    gateway, _ = make_gateway(WORKERS_AI)
    events = list(gateway.stream("blue-plate", MESSAGES))
    assert [e.delta for e in events[:-1]] == ["New", " York"]
    assert fake_cloudflare.requests[0].body["stream"] is True


def test_stream_without_usage_estimates_tokens_and_flags_the_cost(make_gateway, fake_cloudflare):
    fake_cloudflare.workers_ai.always(Reply("twelve chars", usage=None))
    gateway, sink = make_gateway(WORKERS_AI)
    final = list(gateway.stream("blue-plate", MESSAGES))[-1]
    assert final.completion.completion_tokens == 3
    assert final.completion.cost_estimated and final.completion.cost_usd > 0
    assert sink.records[0].streamed and sink.records[0].cost_estimated
