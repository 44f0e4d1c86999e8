"""Web chat answers are capped per diner and per process, so open chats can never take every request
thread: beyond a cap the answer is an immediate 429 with Retry-After, in OpenAI's error format, and a
slot comes back when its stream ends or is abandoned."""

from __future__ import annotations

import pytest

from tests.integration.reliability.apps import ai_settings


@pytest.fixture
def chat(make_app, store, fake_cloudflare):
    app = make_app(**ai_settings(fake_cloudflare, chat_concurrency_total=2, chat_concurrency_per_diner=1))
    tokens = {diner: store.issue_token(diner) for diner in ("blue-plate", "demo-diner")}
    client = app.test_client()

    def open_stream(diner: str):
        return client.post(
            "/v1/chat/completions",
            json={"model": "diner", "stream": True, "messages": [{"role": "user", "content": "what's good today?"}]},
            headers={"Authorization": f"Bearer {tokens[diner]}"},
            buffered=False,
        )

    return open_stream


def test_one_diner_cannot_take_every_chat_slot(chat):
    first = chat("blue-plate")  # streaming, not read yet: it holds its slot
    assert first.status_code == 200
    busy = chat("blue-plate")
    assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
    assert busy.get_json()["error"]["code"] == "busy"
    other = chat("demo-diner")  # another diner still gets an answer
    assert other.status_code == 200
    assert chat("demo-diner").status_code == 429  # ... and the process cap (2) is reached
    assert b"[DONE]" in b"".join(first.response)  # the first stream runs to its end
    first.close()
    again = chat("blue-plate")
    assert again.status_code == 200
    other.close()  # abandoned before its first chunk: the slot still comes back
    again.close()
    assert chat("demo-diner").status_code == 200 and chat("blue-plate").status_code == 200
