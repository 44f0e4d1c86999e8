"""GatewayLlm: the command layer's Llm port on the AI gateway, the one place gateway errors become the
port's (on the MockTransport Cloudflare fake)."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

from diner_agent.assembly import GatewayLlm
from diner_agent.commands.language_model import LlmBroken, LlmRateLimited, LlmUnavailable
from diner_agent.gateway import AIGateway, GatewayConfig, MemorySink
from tests.fakes.cloudflare import GATEWAY, Fail, MockCloudflare, RateLimit, Reply, Truncate

MESSAGES = [{"role": "user", "content": "Suggest a pie special."}]


@pytest.fixture
def cloudflare():
    return MockCloudflare()


@pytest.fixture
def make_llm(cloudflare):
    clients, gateways = [], []

    def make(**overrides):
        config = GatewayConfig(**{**cloudflare.config_kwargs(GATEWAY), "first_byte_timeout": 1.0, **overrides})
        client = cloudflare.client()
        sink = MemorySink()
        gateway = AIGateway(config, metrics_sink=sink, http_client=client, registry=CollectorRegistry())
        clients.append(client)
        gateways.append(gateway)
        return GatewayLlm(gateway), sink

    yield make
    for gateway in gateways:
        gateway.close()
    for client in clients:
        client.close()


def ask(llm, messages=MESSAGES):
    return llm.complete("blue-plate", messages, purpose="chat", max_tokens=64, temperature=0.3)


def test_an_answer_carries_text_and_tokens_and_the_purpose_reaches_the_metadata(make_llm, cloudflare):
    cloudflare.gateway.always(Reply("Peach cobbler, warm.", usage={"prompt_tokens": 9, "completion_tokens": 4}))
    llm, _ = make_llm()
    answer = ask(llm)
    assert (answer.text, answer.prompt_tokens, answer.completion_tokens) == ("Peach cobbler, warm.", 9, 4)
    assert cloudflare.requests[0].metadata == {"tenant": "blue-plate", "purpose": "chat"}


def test_our_own_rate_limit_and_the_providers_keep_their_scope(make_llm, cloudflare):
    llm, _ = make_llm(rate_limit="1/minute")
    ask(llm)
    with pytest.raises(LlmRateLimited) as ours:
        ask(llm, [{"role": "user", "content": "Suggest a soup special."}])  # not a cache hit: it needs the limit
    assert ours.value.scope == "tenant" and ours.value.retry_after > 0

    cloudflare.gateway.always(RateLimit(code=3040, retry_after=7))
    other, _ = make_llm()
    with pytest.raises(LlmRateLimited) as theirs:
        other.complete("demo-diner", MESSAGES, purpose="parse", max_tokens=64, temperature=0.0)
    assert theirs.value.scope == "upstream"


def test_no_provider_answering_is_unavailable(make_llm, cloudflare):
    cloudflare.gateway.always(Fail(500))
    llm, sink = make_llm()
    with pytest.raises(LlmUnavailable):
        ask(llm)
    assert sink.records[-1].status == "unavailable"


def test_a_stream_is_text_then_the_whole_answer(make_llm, cloudflare):
    cloudflare.gateway.always(Reply("Pecan pie today.", chunks=("Pecan ", "pie ", "today.")))
    llm, _ = make_llm()
    chunks = list(llm.stream("blue-plate", MESSAGES, purpose="chat", max_tokens=64, temperature=0.3))
    assert [c.delta for c in chunks[:-1]] == ["Pecan ", "pie ", "today."]
    assert chunks[-1].answer is not None and chunks[-1].answer.text == "Pecan pie today."


def test_a_stream_that_breaks_after_text_is_broken_and_before_text_unavailable(make_llm, cloudflare):
    cloudflare.gateway.always(Truncate(after=2))
    llm, _ = make_llm()
    stream = llm.stream("blue-plate", MESSAGES, purpose="chat", max_tokens=64, temperature=0.3)
    assert next(stream).delta and next(stream).delta
    with pytest.raises(LlmBroken):
        next(stream)

    cloudflare.gateway.always(Fail(503))
    with pytest.raises(LlmUnavailable):
        list(llm.stream("blue-plate", MESSAGES, purpose="chat", max_tokens=64, temperature=0.3))


def test_closing_a_stream_cancels_the_call(make_llm, cloudflare):
    cloudflare.gateway.always(Reply("one two three four five six"))
    llm, sink = make_llm()
    stream = llm.stream("blue-plate", MESSAGES, purpose="chat", max_tokens=64, temperature=0.3)
    next(stream)
    stream.close()
    assert sink.records[-1].status == "cancelled"
