"""Fuzzing the three front doors with Hypothesis, through the Flask test client of a fully wired app.

Whatever arrives (missing or repeated fields, huge or nested bodies, control characters, wrong types),
correctly signed or not:
- no request gets a 5xx;
- a request that is not correctly signed (or carries a bad web token) changes nothing at all;
- a correctly signed Twilio form changes a diner only when its text is a command the grammar reads and
  its sender is on that diner's staff; a Slack request or web chat request changes at most the diner
  it names.
Each test also counts what its examples did and checks that the interesting cases really happened.
"""

from __future__ import annotations

import copy
import itertools
import json
from collections import Counter
from urllib.parse import parse_qsl, urlencode

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from diner_agent.assembly import Assembly
from diner_agent.channels.slack.blocks import CANCEL_ACTION, CONFIRM_ACTION, UNDO_ACTION
from diner_agent.channels.sms.webhook import MAX_FORM_BYTES, SORRY
from diner_agent.channels.sms.wire import MAX_SMS_CHARS, to_e164
from diner_agent.commands import grammar
from diner_agent.commands.chat.answers import CUT_OFF_NOTE
from tests.integration.channels.webhooks import (
    PAYLOADS,
    PUBLIC,
    settle,
    slack_headers,
    twilio_signature,
    twiml_messages,
)
from tests.integration.reliability.apps import ai_settings, no_ai
from tests.integration.reliability.tenant_state import all_states, changed, processed_count
from tests.sample import (
    BLUE_PLATE,
    BLUE_PLATE_NUMBER,
    BLUE_TEAM,
    DANA,
    DEMO,
    DEMO_DANA,
    DEMO_NUMBER,
    DEMO_RILEY,
    DEMO_SAM,
    DEMO_TEAM,
    SAM,
    STRANGER,
)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # examples are cheap to find again; no .hypothesis directory in the tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

COMMANDS = [
    "86 the reuben", "86 coffee", "coffee 3.25", "coffee 9.00", "iced tea is back", "raise coffee by 25 cents",
    "closing at 2 today", "closed mondays", "emergency close, burst pipe", "open again", "86 the meatloaf",
    "mac n cheese 9.50", "86 the pie", "YES", "no", "UNDO", "MENU", "HOURS", "HELP", "STOP", "START",
]  # fmt: skip
ODD = "\x00\x07\x1b\r\n\t\u200b\u202e\ufeff\u00e9\u4e2d\U0001f373"
odd_bits = st.text(alphabet=st.sampled_from(ODD), max_size=4)
texts = st.one_of(
    st.sampled_from(COMMANDS),
    st.tuples(odd_bits, st.sampled_from(COMMANDS), odd_bits).map("".join),
    st.sampled_from(COMMANDS).map(str.upper),
    st.text(max_size=40),
)
huge_texts = st.sampled_from([1599, 1600, 1601, 5000, 70_000]).map(lambda n: ("86 the reuben, " * n)[:n])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.sampled_from(COMMANDS)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
deep_json = st.integers(50, 60_000).map(lambda n: "[" * n + "]" * n) | st.integers(50, 30_000).map(
    lambda n: '{"a":' * n + "1" + "}" * n
)
DELETE = object()


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy = json_values) -> st.SearchStrategy:
    """Usually what a real client would send, sometimes anything at all (Hypothesis does not pick the
    branches of a one_of evenly, so the odds are made explicit)."""
    return st.integers(0, 9).flatmap(lambda i: usual if i < 8 else odd)


FRESH = "zzFRESHzz"  # replaced per example: Hypothesis repeats drawn values, and a repeated id is a retry
_ids = itertools.count(1)


def fresh(value: str, prefix: str) -> str:
    return f"{prefix}{next(_ids):016d}" if value == FRESH else value


def mutate(draw, mapping: dict, keys: list[str] | None = None) -> None:
    """Replace a few of the mapping's keys with arbitrary JSON values, or delete them."""
    keys = keys if keys is not None else list(mapping)
    if not keys:
        return
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        value = draw(st.just(DELETE) | json_values)
        if value is DELETE:
            mapping.pop(key, None)
        else:
            mapping[key] = value


def assert_state_unchanged(store, before: dict, processed: int) -> None:
    assert changed(before, all_states(store)) == set()
    assert processed_count(store) == processed  # not even recorded as answered


# --- Twilio -----------------------------------------------------------------------------------------

NUMBERS = [BLUE_PLATE_NUMBER, DEMO_NUMBER, "+1 555-555-0100", "(555) 555-0150", "5555550100", "+15555550199", "",
           "not a number", "+", "+1" + "5" * 30]  # fmt: skip
SENDERS = [DANA, SAM, DEMO_DANA, DEMO_SAM, DEMO_RILEY, STRANGER, "+1 (555) 555-0101", "15555550101", "", "anonymous",
           "+15555550101\x00"]  # fmt: skip
FIELDS = ["To", "From", "Body", "MessageSid", "SmsMessageSid", "AccountSid"]
sids = mostly(st.just(FRESH), st.text(max_size=20) | st.text(min_size=101, max_size=150))
SIGNING = ["signed"] * 5 + ["none", "garbage", "other-url", "other-token", "tampered"]


def _recorded_sms(**fields: str) -> list[tuple[str, str]]:
    form = dict(parse_qsl((PAYLOADS / "twilio_inbound_sms.txt").read_text(), keep_blank_values=True))
    form.update({"Body": "86 the reuben", "From": DANA, "To": BLUE_PLATE_NUMBER, "MessageSid": FRESH, **fields})
    return list(form.items())


STAFF_BY_NUMBER = {BLUE_PLATE_NUMBER: [DANA, SAM], DEMO_NUMBER: [DEMO_DANA, DEMO_SAM, DEMO_RILEY]}


@st.composite
def twilio_requests(draw):
    """(form pairs in order, signing mode): the recorded field set, with fields missing, repeated, odd.
    Half the time the sender is on the staff of the diner texted, so that real changes happen too."""
    if draw(st.booleans()):
        to = draw(st.sampled_from(list(STAFF_BY_NUMBER)))
        sender = draw(st.sampled_from(STAFF_BY_NUMBER[to]))
    else:
        to = draw(st.sampled_from(NUMBERS) | st.text(max_size=20))
        sender = draw(st.sampled_from(SENDERS) | st.text(max_size=20))
    fields = {
        "To": to,
        "From": sender,
        "Body": draw(mostly(st.sampled_from(COMMANDS), texts | huge_texts)),
        "MessageSid": draw(sids),
        "AccountSid": "AC" + "1" * 32,
        "NumMedia": "0",
    }
    pairs = [(k, v) for k, v in fields.items() if draw(mostly(st.just(True), st.just(False)))]  # or missing
    extra_key = st.sampled_from(FIELDS) | st.text(max_size=12)
    extra_value = st.sampled_from(NUMBERS + SENDERS + COMMANDS) | st.text(max_size=30)
    pairs += draw(st.lists(st.tuples(extra_key, extra_value), max_size=4))  # repeated keys: the first one counts
    return pairs, draw(st.sampled_from(SIGNING))


def _twilio_post(client, pairs: list[tuple[str, str]], mode: str, garbage: str):
    url = PUBLIC + "/sms"
    signed = MultiDict(pairs)
    sent = list(pairs)
    headers = {}
    if mode == "signed":
        headers["X-Twilio-Signature"] = twilio_signature(url, signed)
    elif mode == "garbage":
        headers["X-Twilio-Signature"] = garbage
    elif mode == "other-url":
        headers["X-Twilio-Signature"] = twilio_signature("https://attacker.example/sms", signed)
    elif mode == "other-token":
        headers["X-Twilio-Signature"] = twilio_signature(url, signed, token="not-our-twilio-token")
    elif mode == "tampered":
        headers["X-Twilio-Signature"] = twilio_signature(url, signed)
        sent = [("Body", "86 the reuben"), ("From", DANA)] + [(k, v) for k, v in pairs if k not in ("Body", "From")]
        if MultiDict(sent) == signed:
            sent.append(("Extra", "x"))
    data = urlencode(sent).encode()
    response = client.post("/sms", data=data, content_type="application/x-www-form-urlencoded", headers=headers)
    return response, len(data)


def test_twilio_forms(build_app, clock):
    app = build_app(**no_ai())
    client, store = app.test_client(), Assembly.of(app).store
    seen: Counter[str] = Counter()

    @FUZZ
    @given(request=twilio_requests(), garbage=st.text(st.characters(min_codepoint=32, max_codepoint=255)))
    @example(request=(_recorded_sms(MessageSid="SM\x00abc"), "signed"), garbage="")  # the apology, on Postgres
    @example(request=(_recorded_sms(To="+15555550100\x00"), "signed"), garbage="")  # a NUL in a lookup key
    def check(request, garbage):
        pairs, mode = request
        pairs = [(k, fresh(v, "SM")) for k, v in pairs]
        before, processed = all_states(store), processed_count(store)
        snapshots = {t: store.snapshot(t) for t in before}
        response, size = _twilio_post(client, pairs, mode, garbage)

        assert response.status_code < 500
        if size > MAX_FORM_BYTES:
            assert response.status_code == 413
            assert_state_unchanged(store, before, processed)
            return
        if mode != "signed":
            assert response.status_code == 403
            assert_state_unchanged(store, before, processed)
            seen["forged"] += 1
            return
        seen["signed"] += 1
        assert response.status_code == 200
        replies = twiml_messages(response.get_data(as_text=True))
        assert SORRY not in replies, "an internal error was swallowed"
        assert all(0 < len(r) <= MAX_SMS_CHARS for r in replies)

        touched = changed(before, all_states(store))
        if not touched:
            return
        first = MultiDict(pairs).to_dict()  # what the webhook reads: the first value of each field
        tenant = store.tenant_by_sms_number(to_e164(first.get("To")))
        assert tenant is not None and touched == {tenant.id}
        snapshot = snapshots[tenant.id]
        assert any(p.phone == to_e164(first.get("From")) for p in snapshot.staff), "changed by a non-staff sender"
        assert grammar.read(first.get("Body") or "", snapshot, clock.now()).commands, "changed by a non-command"
        seen["changed"] += 1

    check()
    assert seen["changed"] >= 3 and seen["forged"] >= 20, seen


# --- Slack ------------------------------------------------------------------------------------------

USERS = ["U0DANA"] * 3 + ["U0SAM", "U0NOBODY", "U0BOT", ""]
TEAMS = [BLUE_TEAM, DEMO_TEAM] * 2 + ["T0NOBODY"]
SLACK_SIGNING = ["signed"] * 4 + ["none", "wrong-secret", "stale", "tampered"]
RECORDED_EVENTS = [
    json.loads((PAYLOADS / f"{name}.json").read_text()) for name in ("slack_app_mention", "slack_message_im")
]
RECORDED_COMMAND = dict(parse_qsl((PAYLOADS / "slack_command_menu.txt").read_text(), keep_blank_values=True))
RECORDED_CLICK = json.loads((PAYLOADS / "slack_block_actions.json").read_text())


def _set_team(body: dict, team: str) -> None:
    body["team_id"] = team
    if isinstance(body.get("event"), dict):
        body["event"]["team"] = team
    if isinstance(body.get("authorizations"), list) and body["authorizations"]:
        body["authorizations"][0]["team_id"] = team


@st.composite
def event_bodies(draw):
    kind = draw(st.sampled_from(["recorded"] * 6 + ["arbitrary", "deep", "not-json"]))
    if kind == "arbitrary":
        return json.dumps(draw(json_values))
    if kind == "deep":
        return draw(deep_json)
    if kind == "not-json":
        return draw(st.text(max_size=60))
    body = copy.deepcopy(draw(st.sampled_from(RECORDED_EVENTS)))
    body["event_id"] = FRESH
    mention = "<@U0BOT> " if body["event"]["type"] == "app_mention" else ""
    body["event"].update(
        text=mention + draw(mostly(st.sampled_from(COMMANDS), texts)), user=draw(st.sampled_from(USERS))
    )
    _set_team(body, draw(st.sampled_from(TEAMS)))
    mutate(draw, body["event"])
    mutate(draw, body)
    return json.dumps(body)


@st.composite
def command_forms(draw, response_url: str):
    form = dict(RECORDED_COMMAND)
    form.update(
        text=draw(mostly(st.sampled_from(COMMANDS), texts)),
        user_id=draw(st.sampled_from(USERS)),
        team_id=draw(st.sampled_from(TEAMS)),
        trigger_id=FRESH,
        response_url=response_url,
    )
    pairs = list(form.items())
    for i in draw(st.lists(st.integers(0, len(pairs) - 1), max_size=3, unique=True)):
        if pairs[i][0] != "response_url":  # a response_url is where replies go: never anywhere but the fake
            pairs[i] = (pairs[i][0], draw(st.text(max_size=30)))
    pairs += draw(
        st.lists(st.tuples(st.sampled_from(list(form)) | st.text(max_size=8), st.text(max_size=20)), max_size=2)
    )
    pairs = [p for p in pairs if p[0] != "response_url"] + [("response_url", response_url)]
    return urlencode(pairs)


@st.composite
def click_forms(draw, response_url: str):
    kind = draw(st.sampled_from(["recorded"] * 5 + ["arbitrary", "not-json", "deep"]))
    if kind == "arbitrary":
        return urlencode({"payload": json.dumps(draw(json_values))})
    if kind == "not-json":
        return urlencode({"payload": draw(st.text(max_size=40))})
    if kind == "deep":
        return urlencode({"payload": draw(deep_json)})
    payload = copy.deepcopy(RECORDED_CLICK)
    team = draw(st.sampled_from(TEAMS))
    payload["team"]["id"] = team
    payload["user"].update(id=draw(st.sampled_from(USERS)), team_id=team)
    payload["container"]["message_ts"] = f"{draw(st.integers(1, 10**9))}.000100"
    action = payload["actions"][0]
    action.update(
        action_id=draw(st.sampled_from([CONFIRM_ACTION, CANCEL_ACTION, UNDO_ACTION, "something_else"])),
        value=draw(st.sampled_from(["undo", "PENDING-ID", ""]) | st.uuids().map(str) | json_values),
    )
    mutate(draw, action, [k for k in action if k != "action_id"])
    mutate(draw, payload, [k for k in payload if k != "response_url"])
    payload["response_url"] = response_url
    return urlencode({"payload": json.dumps(payload)})


def _slack_post(client, body: str, mode: str, *, json_body: bool):
    content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
    if mode == "none":
        headers = {}
    elif mode == "wrong-secret":
        headers = slack_headers(body, secret="not-our-signing-secret")
    elif mode == "stale":
        headers = slack_headers(body, timestamp=1_700_000_000)
    elif mode == "tampered":
        headers = slack_headers(body)
        body = body + (" " if json_body else "&text=86+the+reuben")
    else:
        headers = slack_headers(body)
    return client.post("/slack/events", data=body.encode(), headers=headers, content_type=content_type)


def _teams_named(store, body: str) -> set[str]:
    """The diners whose Slack team id appears anywhere in the request."""
    return {t for t in store.tenant_ids() if (team := store.tenant(t).slack_team) and team in body}


def test_slack_events_commands_and_clicks(build_app, slack_api):
    app = build_app(**no_ai())
    client, store = app.test_client(), Assembly.of(app).store
    response_url = slack_api.response_url("fuzz")
    requests = st.one_of(
        st.tuples(event_bodies(), st.just(True)),
        st.tuples(command_forms(response_url), st.just(False)),
        st.tuples(click_forms(response_url), st.just(False)),
    )
    seen: Counter[str] = Counter()

    nul_team = urlencode({**RECORDED_COMMAND, "team_id": BLUE_TEAM + "\x00", "response_url": response_url})
    null_event = json.dumps({**RECORDED_EVENTS[0], "event": None})

    @FUZZ
    @given(request=requests, mode=st.sampled_from(SLACK_SIGNING))
    # Each of these was answered with a 500 before the fixes (nul_team on Postgres only).
    @example(request=("0", True), mode="signed")
    @example(request=("0", True), mode="none")
    @example(request=(null_event, True), mode="signed")
    @example(request=(nul_team, False), mode="signed")
    @example(request=("[" * 5000 + "]" * 5000, True), mode="none")
    @example(request=(urlencode({"payload": "not json"}), False), mode="none")
    def check(request, mode):
        body, json_body = request
        while FRESH in body:
            body = body.replace(FRESH, fresh(FRESH, "Ev"), 1)
        before, processed, calls = all_states(store), processed_count(store), len(slack_api.calls)
        response = _slack_post(client, body, mode, json_body=json_body)
        assert response.status_code < 500, (response.status_code, response.get_data()[:200])
        settle(app)
        if mode != "signed":
            assert 400 <= response.status_code < 500
            assert_state_unchanged(store, before, processed)
            assert len(slack_api.calls) == calls, "an unsigned request made the bot talk"
            seen["forged"] += 1
            return
        seen[f"signed {response.status_code // 100}xx"] += 1
        touched = changed(before, all_states(store))
        assert touched <= _teams_named(store, body), "a diner changed that the request does not name"
        seen["changed"] += bool(touched)

    check()
    assert seen["changed"] >= 3 and seen["forged"] >= 20 and seen["signed 2xx"] >= 20, seen


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
