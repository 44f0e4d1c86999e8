"""Reading OpenAI Chat Completions requests with our limits, and writing its shapes."""

from __future__ import annotations

import json

import pytest

from diner_agent.channels.webchat.openai_wire import (
    MAX_TOKENS_CAP,
    ChatRequestError,
    chunk_body,
    completion_body,
    read_request,
    sse,
    usage_body,
)

HI = [{"role": "user", "content": "hi"}]


def test_a_minimal_request_gets_the_defaults():
    chat = read_request({"messages": HI})
    assert chat.messages == ({"role": "user", "content": "hi"},)
    assert (chat.stream, chat.include_usage, chat.max_tokens, chat.temperature) == (False, False, 512, 0.3)


def test_text_parts_are_joined_into_one_string():
    chat = read_request(
        {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]}
    )
    assert chat.messages[0]["content"] == "a\nb"


def test_max_completion_tokens_wins_and_is_capped():
    assert read_request({"messages": HI, "max_completion_tokens": 99, "max_tokens": 5}).max_tokens == 99
    assert read_request({"messages": HI, "max_tokens": 10**6}).max_tokens == MAX_TOKENS_CAP


def test_usage_is_only_sent_on_streams_that_ask_for_it():
    assert read_request({"messages": HI, "stream": True, "stream_options": {"include_usage": True}}).include_usage
    assert not read_request({"messages": HI, "stream_options": {"include_usage": True}}).include_usage


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (["not", "an", "object"], None),
        ({"messages": "hi"}, "messages"),
        ({"messages": HI, "stream": "yes"}, "stream"),
        ({"messages": HI, "max_tokens": 0}, "max_tokens"),
        ({"messages": HI, "max_tokens": True}, "max_tokens"),
        ({"messages": HI, "temperature": 3}, "temperature"),
        ({"messages": HI, "temperature": float("nan")}, "temperature"),
        ({"messages": HI, "n": 2}, "n"),
        ({"messages": HI, "stream_options": "usage"}, "stream_options"),
        ({"messages": [HI[0], "hi"]}, "messages[1]"),
    ],
)
def test_bad_requests_name_the_field(body, param):
    with pytest.raises(ChatRequestError) as refused:
        read_request(body)
    assert refused.value.param == param
    assert refused.value.message.endswith(".")


def test_the_response_shapes():
    usage = usage_body(3, 4)
    assert usage == {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}
    body = completion_body("chatcmpl-1", 1700000000, "Hello", "stop", usage)
    assert body["object"] == "chat.completion" and body["choices"][0]["message"]["content"] == "Hello"
    chunk = chunk_body("chatcmpl-1", 1700000000, {"content": "He"})
    assert chunk["object"] == "chat.completion.chunk" and chunk["choices"][0]["delta"] == {"content": "He"}
    assert chunk_body("chatcmpl-1", 1, {}, usage=usage)["choices"] == []
    assert sse({"a": "é"}) == 'data: {"a":"é"}\n\n' and sse("[DONE]") == "data: [DONE]\n\n"
    assert json.loads(sse(chunk)[len("data: ") :]) == chunk
