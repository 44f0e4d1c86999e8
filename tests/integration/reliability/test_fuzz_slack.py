"""Fuzzed Slack events, slash commands and clicks: never a 5xx, never a post for a forged request, and
only a signed request from the right workspace changes anything, and only its own diner."""

from __future__ import annotations

import copy
import json
from collections import Counter
from urllib.parse import parse_qsl, urlencode

from hypothesis import example, given
from hypothesis import strategies as st

from diner_agent.assembly import Assembly
from diner_agent.channels.slack.blocks import CANCEL_ACTION, CONFIRM_ACTION, UNDO_ACTION
from tests.integration.channels.webhooks import (
    PAYLOADS,
    settle,
    slack_headers,
)
from tests.integration.reliability.apps import no_ai
from tests.integration.reliability.fuzzing import (
    COMMANDS,
    FRESH,
    FUZZ,
    assert_state_unchanged,
    deep_json,
    fresh,
    json_values,
    mostly,
    mutate,
    texts,
)
from tests.integration.reliability.tenant_state import all_states, changed, processed_count
from tests.sample import (
    BLUE_TEAM,
    DEMO_TEAM,
)

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
