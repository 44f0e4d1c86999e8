"""Tenant isolation through every channel: whatever a request says, it reaches only the diner its number,
its token or its workspace belongs to, and its reply names nothing of the other diner."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from diner_agent.assembly import Assembly
from diner_agent.channels.slack.blocks import CANCEL_ACTION, CONFIRM_ACTION, UNDO_ACTION
from diner_agent.channels.sms.wire import carrier_keyword
from diner_agent.commands.model import Inbound
from tests.integration.channels.webhooks import (
    click_body,
    command_body,
    event_body,
    settle,
    signed_sms,
    slack_post,
    sms_form,
    twiml_messages,
)
from tests.integration.reliability.apps import no_ai
from tests.integration.reliability.isolation import (
    ISOLATION,
    NUMBERS,
    OTHER,
    PHONES,
    TEAMS,
    TEXTS,
    assert_tells_nothing_of,
    fresh,
    ids,
    secret_names,
)
from tests.integration.reliability.tenant_state import all_states, changed, tenant_state
from tests.sample import (
    BLUE_PLATE,
    BLUE_PLATE_NUMBER,
    BLUE_TEAM,
    DANA,
    DEMO,
    DEMO_DANA,
    DEMO_NUMBER,
    DEMO_TEAM,
)

# --- SMS --------------------------------------------------------------------------------------------


def test_a_text_changes_at_most_the_diner_texted_and_only_when_its_staff_sent_it(build_app):
    app = build_app(**no_ai())
    client, store = app.test_client(), Assembly.of(app).store
    secrets = secret_names(store)
    applied = []

    @ISOLATION
    @given(to=st.sampled_from(list(NUMBERS)), sender=st.sampled_from(list(PHONES)), text=st.sampled_from(TEXTS))
    @example(to=DEMO_NUMBER, sender=DANA, text="86 coffee")  # blue-plate's owner, demo-diner's number
    @example(to=BLUE_PLATE_NUMBER, sender=DEMO_DANA, text="coffee 2.75")
    def check(to, sender, text):
        diner = NUMBERS[to]
        before = all_states(store)
        response = signed_sms(client, sms_form(text, sender=sender, to=to))
        assert response.status_code == 200
        replies = twiml_messages(response.get_data(as_text=True))
        touched = changed(before, all_states(store))

        assert touched <= {diner}
        if PHONES[sender] != diner:
            assert touched == set()
            if carrier_keyword(text) is None:
                name = store.tenant(diner).name
                assert replies == [f"Sorry, you're not on {name}'s staff list, so I can't change anything."]
        assert_tells_nothing_of(OTHER[diner], replies, secrets)
        applied.extend(touched)

    check()
    assert set(applied) == {BLUE_PLATE, DEMO}, "no text changed anything: the property was never put to the test"


# --- web chat ---------------------------------------------------------------------------------------


def test_a_web_token_reaches_only_its_own_diner_whatever_x_tenant_id_says(build_app):
    app = build_app(**no_ai())
    client, store = app.test_client(), Assembly.of(app).store
    tokens = {BLUE_PLATE: store.issue_token(BLUE_PLATE), DEMO: store.issue_token(DEMO), None: "dat_not-a-token"}
    secrets = secret_names(store)
    applied = []

    @ISOLATION
    @given(
        holder=st.sampled_from([BLUE_PLATE, DEMO, None]),
        claimed=st.sampled_from([None, BLUE_PLATE, DEMO, f" {DEMO} ", "", "someone-else"]),
        text=st.sampled_from(TEXTS + ["Write a sign for today's specials."]),
        stream=st.booleans(),
    )
    @example(holder=BLUE_PLATE, claimed=DEMO, text="86 coffee", stream=False)  # A's token, B's id: 401
    @example(holder=DEMO, claimed=BLUE_PLATE, text="MENU", stream=True)
    def check(holder, claimed, text, stream):
        headers = {"Authorization": f"Bearer {tokens[holder]}"}
        if claimed is not None:
            headers["X-Tenant-ID"] = claimed
        allowed = holder is not None and (claimed is None or claimed.strip() == holder)
        before = all_states(store)
        body = {"model": "diner-agent", "messages": [{"role": "user", "content": text}], "stream": stream}
        response = client.post("/v1/chat/completions", json=body, headers=headers)
        touched = changed(before, all_states(store))

        if not allowed:
            assert response.status_code == 401
            assert touched == set()
            return
        assert response.status_code == 200
        assert touched <= {holder}
        if stream:
            events = [e.removeprefix("data: ") for e in response.get_data(as_text=True).split("\n\n") if e]
            chunks = [json.loads(e) for e in events[:-1]]
            answer = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
        else:
            answer = response.get_json()["choices"][0]["message"]["content"]
        assert_tells_nothing_of(OTHER[holder], [answer], secrets)
        applied.extend(touched)

    check()
    assert set(applied) == {BLUE_PLATE, DEMO}, "no request changed anything: the property was never put to the test"


# --- Slack ------------------------------------------------------------------------------------------

SLACK_KINDS = ["mention", "dm", "slash", "confirm", "cancel", "undo"]


def _waiting_confirmations(service, store, pending: dict[str, str]) -> dict[str, str]:
    """A price change waiting for YES in each diner, asked by its owner (a new one where the last one was
    answered): diner -> pending id."""
    for diner, owner in ((BLUE_PLATE, DANA), (DEMO, DEMO_DANA)):
        if (pending.get(diner), "pending") in tenant_state(store, diner).pending:
            continue
        coffee = store.snapshot(diner).item_named("Coffee").price_cents
        text = "coffee 9.00" if coffee < 500 else "coffee 2.50"  # either way a large change: it is asked first
        reply = service.handle(Inbound(diner, "sms", owner, text, message_id=fresh("SM")))
        assert reply.pending_id, reply
        pending[diner] = reply.pending_id
    return pending


def _slack_request(kind: str, team: str, user: str, text: str, pending_id: str, response_url: str):
    """(body, is JSON) for one Slack request from `user` in workspace `team`."""
    if kind == "mention":
        return event_body(
            "slack_app_mention", text=f"<@U0BOT> {text}", user=user, team=team, event_id=fresh("Ev")
        ), True
    if kind == "dm":
        return event_body("slack_message_im", text=text, user=user, team=team, event_id=fresh("Ev")), True
    if kind == "slash":
        return command_body(text, user=user, team=team, response_url=response_url), False
    action, value = {"confirm": (CONFIRM_ACTION, pending_id), "cancel": (CANCEL_ACTION, pending_id)}.get(
        kind, (UNDO_ACTION, "undo")
    )
    ts = f"{1_764_000_000 + next(ids)}.000100"
    return click_body(action, value, user=user, team=team, response_url=response_url, message_ts=ts), False


def _slack_said(response, fake, since: int) -> list[str]:
    """Everything the bot told Slack for this request: the ack, posts and response_url messages."""
    said = [c.body.get("text") or "" for c in fake.calls[since:] if isinstance(c.body, dict)]
    if response.is_json:
        said.append(response.get_json().get("text") or "")
    else:
        said.append(response.get_data(as_text=True))
    return said


def test_a_slack_workspace_reaches_only_its_own_diner_even_with_the_other_diners_user_ids(build_app, slack_api):
    app = build_app(**no_ai())
    client, store, service = app.test_client(), Assembly.of(app).store, Assembly.of(app).service
    secrets = secret_names(store)
    response_url = slack_api.response_url("isolation")
    applied, pending = [], {}

    @ISOLATION
    @given(
        kind=st.sampled_from(SLACK_KINDS),
        team=st.sampled_from(list(TEAMS)),
        user=st.sampled_from(["U0DANA", "U0SAM", "U0NOBODY"]),
        text=st.sampled_from(TEXTS),
        whose_pending=st.sampled_from([BLUE_PLATE, DEMO]),
    )
    @example(kind="confirm", team=BLUE_TEAM, user="U0DANA", text="", whose_pending=DEMO)  # B's button, A's Dana
    @example(kind="mention", team=DEMO_TEAM, user="U0DANA", text="86 coffee", whose_pending=DEMO)
    @example(kind="slash", team=BLUE_TEAM, user="U0DANA", text="coffee 2.75", whose_pending=BLUE_PLATE)
    def check(kind, team, user, text, whose_pending):
        diner = TEAMS[team]
        _waiting_confirmations(service, store, pending)
        before, since = all_states(store), len(slack_api.calls)
        body, json_body = _slack_request(kind, team, user, text, pending[whose_pending], response_url)
        response = slack_post(client, body, json_body=json_body)
        assert response.status_code == 200
        settle(app)
        touched = changed(before, all_states(store))

        assert touched <= ({diner} if diner else set())
        if whose_pending != diner and kind in ("confirm", "cancel"):
            assert touched == set()  # another diner's confirmation id: nothing is waiting here under that id
        assert_tells_nothing_of(OTHER.get(diner), _slack_said(response, slack_api, since), secrets)
        applied.extend(touched)

    check()
    assert set(applied) == {BLUE_PLATE, DEMO}, "no request changed anything: the property was never put to the test"
