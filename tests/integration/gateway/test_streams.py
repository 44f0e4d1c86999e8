"""Streaming: failover before the first text, honest failure after it, and chunk-exact cache replay."""

from __future__ import annotations

import pytest

from diner_agent.gateway import BadResponse
from tests.fakes.cloudflare import GATEWAY, OPENAI, WORKERS_AI, Fail, Malformed, Reply, Stall, Truncate
from tests.integration.gateway.conftest import MESSAGES

CHUNKS = ("Meat", "loaf ", "is ", "sold ", "out.")


def deltas(events):
    return [e.delta for e in events if not e.done]


def test_a_stream_that_fails_before_any_text_falls_back(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Fail(500))
    gateway, sink = make_gateway()
    events = list(gateway.stream("blue-plate", MESSAGES))
    assert "".join(deltas(events)) == "Hello from workers-ai."
    assert events[-1].completion.provider == WORKERS_AI
    assert sink.records[0].fallback_step == 1 and sink.records[0].streamed


def test_a_stream_cut_before_its_first_chunk_falls_back(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Truncate(after=0))
    gateway, _ = make_gateway()
    events = list(gateway.stream("blue-plate", MESSAGES))
    assert events[-1].completion.provider == WORKERS_AI


def test_malformed_stream_events_fall_back(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Malformed("data: {not json\n\n"))
    gateway, _ = make_gateway()
    assert list(gateway.stream("blue-plate", MESSAGES))[-1].completion.provider == WORKERS_AI


@pytest.mark.parametrize("failure", [Truncate(after=2), Stall(after=2, seconds=3.0)], ids=["truncated", "stalled"])
def test_a_stream_that_breaks_after_text_raises_and_is_recorded(make_gateway, fake_cloudflare, failure):
    fake_cloudflare.gateway.always(failure)
    gateway, sink = make_gateway(first_byte_timeout=0.3)
    received = []
    with pytest.raises(BadResponse):
        for event in gateway.stream("blue-plate", MESSAGES):
            received.append(event.delta)

    assert received == ["This ", "answer "]  # what was sent stays sent; nothing is silently replaced
    assert [r.provider for r in fake_cloudflare.requests] == [GATEWAY]
    (record,) = sink.records
    assert (record.status, record.provider, record.streamed) == ("error", GATEWAY, True)
    assert record.completion_tokens > 0 and record.cost_estimated  # the tokens it did send are paid for
    # A broken stream is never cached: the next identical request goes upstream again.
    fake_cloudflare.gateway.always(Reply("Fine now."))
    assert "".join(deltas(gateway.stream("blue-plate", MESSAGES))) == "Fine now."


def test_a_streamed_answer_is_replayed_from_cache_chunk_by_chunk(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("Meatloaf is sold out.", chunks=CHUNKS))
    gateway, sink = make_gateway()
    first = list(gateway.stream("blue-plate", MESSAGES))
    second = list(gateway.stream("blue-plate", MESSAGES))

    assert deltas(first) == deltas(second) == list(CHUNKS)
    assert len(fake_cloudflare.requests) == 1
    assert second[-1].completion.cache_hit and second[-1].completion.cost_usd == 0
    assert [r.cache_hit for r in sink.records] == [False, True]


def test_stream_and_complete_do_not_share_cache_entries(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway()
    list(gateway.stream("blue-plate", MESSAGES, max_tokens=256, temperature=0.0))
    gateway.complete("blue-plate", MESSAGES, max_tokens=256, temperature=0.0)
    assert len(fake_cloudflare.requests) == 2


def test_a_reader_who_stops_early_is_recorded_as_cancelled(make_gateway, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("one two three four five six"))
    gateway, sink = make_gateway()
    stream = gateway.stream("blue-plate", MESSAGES)
    next(stream)
    stream.close()
    (record,) = sink.records
    assert record.status == "cancelled" and record.completion_tokens > 0
    # Nothing half-read was cached.
    list(gateway.stream("blue-plate", MESSAGES))
    assert len(fake_cloudflare.requests) == 2


def test_openai_compatible_stream(make_gateway, fake_cloudflare):
    gateway, _ = make_gateway(OPENAI)
    assert "".join(deltas(gateway.stream("blue-plate", MESSAGES))) == "Hello from openai-compatible."
