"""Fuzzed web chat requests: OpenAI-format errors for what is not a valid request, never a 5xx, and a
token reaches only its own diner."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from diner_agent.assembly import Assembly
from diner_agent.commands.chat.answers import CUT_OFF_NOTE
from tests.integration.reliability.apps import ai_settings
from tests.integration.reliability.fuzzing import (
    COMMANDS,
    FUZZ,
    assert_state_unchanged,
    deep_json,
    json_values,
    mostly,
    texts,
)
from tests.integration.reliability.tenant_state import all_states, changed, processed_count
from tests.sample import (
    BLUE_PLATE,
    DEMO,
)

# --- web chat ---------------------------------------------------------------------------------------

ROLES = ["user", "assistant", "system", "tool", "", None]
contents = st.one_of(
    st.sampled_from(COMMANDS),
    st.sampled_from(["What is sold out?", "write a sign for the specials", "are we open friday?"]),
    st.text(max_size=40),
    st.lists(st.fixed_dictionaries({"type": st.sampled_from(["text", "image_url"]), "text": texts | json_values})),
    json_values,
    st.sampled_from([4000, 4001, 33_000]).map(lambda n: "a" * n),
)
messages = st.fixed_dictionaries(
    {"role": mostly(st.just("user"), st.sampled_from(ROLES)), "content": mostly(st.sampled_from(COMMANDS), contents)},
    optional={"name": st.text()},
)


chat_bodies = st.fixed_dictionaries(
    {"messages": mostly(st.lists(mostly(messages), min_size=1, max_size=4))},
    optional={
        "model": mostly(st.just("diner-agent")),
        "stream": mostly(st.booleans()),
        "stream_options": mostly(st.fixed_dictionaries({"include_usage": st.booleans()})),
        "max_tokens": mostly(st.integers(1, 5000)),
        "max_completion_tokens": mostly(st.integers(-5, 5000)),
        "temperature": mostly(st.floats(0, 2)),
        "n": mostly(st.just(1)),
    },
)
raw_bodies = st.one_of(
    chat_bodies.map(json.dumps),
    chat_bodies.map(json.dumps),
    json_values.map(json.dumps),
    deep_json,
    st.binary(max_size=80),
    st.just(json.dumps({"messages": [{"role": "user", "content": "x" * 300_000}]})),  # over the app's 256 KiB
)
# (who sends it, Authorization header, X-Tenant-ID header or None); the first is None for a bad credential.
CREDENTIALS = [
    ("blue", "Bearer {blue}", None),
    ("blue", "Bearer {blue}", BLUE_PLATE),
    ("blue", "bearer {blue}", f" {BLUE_PLATE} "),
    ("demo", "Bearer {demo}", None),
    (None, None, None),
    (None, "Bearer ", None),
    (None, "Bearer dat_not-a-real-token", None),
    (None, "Basic {blue}", None),
    (None, "Bearer {blue}x", None),
    (None, "Bearer {blue}", DEMO),
    (None, "Bearer {demo}", BLUE_PLATE),
    (None, "Bearer {blue}", ""),
]


def _assert_chat_answer(response) -> None:
    if response.mimetype == "text/event-stream":
        events = [line[len("data: ") :] for line in response.get_data(as_text=True).split("\n\n") if line]
        assert events[-1] == "[DONE]"
        chunks = [json.loads(e) for e in events[:-1]]
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    else:
        text = response.get_json()["choices"][0]["message"]["content"]
    assert isinstance(text, str) and text
    assert CUT_OFF_NOTE not in text, "the answer broke off although the upstream is healthy"


def test_web_chat_requests(build_app, fake_cloudflare):
    app = build_app(**ai_settings(fake_cloudflare, ai_rate_limit="100000/minute"))
    client, store = app.test_client(), Assembly.of(app).store
    tokens = {"blue": store.issue_token(BLUE_PLATE), "demo": store.issue_token(DEMO)}
    owners = {"blue": BLUE_PLATE, "demo": DEMO}
    seen: Counter[str] = Counter()

    # Twice the usual examples: about one in sixteen is a valid request by a valid token, and the check
    # at the end wants at least ten of those in every run, whatever the random seed.
    @settings(FUZZ, max_examples=2 * FUZZ.max_examples)
    @given(
        body=raw_bodies,
        credential=st.sampled_from(CREDENTIALS),
        path=st.sampled_from(["/api/chat", "/v1/chat/completions"]),
    )
    @example(body="[" * 1979 + "]" * 1979, credential=CREDENTIALS[0], path="/api/chat")  # answered 500 before
    def check(body, credential, path):
        who, authorization, claimed = credential
        headers = {}
        if authorization is not None:
            headers["Authorization"] = authorization.format(**tokens)
        if claimed is not None:
            headers["X-Tenant-ID"] = claimed
        data = body if isinstance(body, bytes) else body.encode()
        before, processed, upstream = all_states(store), processed_count(store), len(fake_cloudflare.requests)

        response = client.post(path, data=data, headers=headers, content_type="application/json")
        assert response.status_code < 500, (response.status_code, response.get_data()[:200])
        seen[str(response.status_code)] += 1
        if who is None:
            assert response.status_code == 401
            assert response.get_json()["error"]["code"] == "invalid_api_key"
            assert_state_unchanged(store, before, processed)
            assert len(fake_cloudflare.requests) == upstream
            return
        if response.status_code >= 400:
            error = response.get_json()["error"]
            assert isinstance(error["message"], str) and error["message"] and isinstance(error["type"], str)
            assert_state_unchanged(store, before, processed)
            return
        assert response.status_code == 200
        _assert_chat_answer(response)
        assert changed(before, all_states(store)) <= {owners[who]}

    check()
    assert seen["200"] >= 10 and seen["400"] >= 10 and seen["401"] >= 20, seen
