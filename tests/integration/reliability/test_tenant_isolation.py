"""Tenant isolation, as properties over who sends what to whom: two diners share the deployment, blue-plate
(+15555550100, owner Dana +15555550101, Slack T0BLUEPLT) and demo-diner (+15555550150, owner Dana
+15555550151, Slack T0DEMODNR). Both workspaces have a Slack user U0DANA (a different person in each), and
both menus have a Coffee: the traps a lookup that forgets the tenant would fall into.

For every channel: a request changes at most the diner its credential belongs to (the number texted and
its staff, the web token, the Slack workspace), and no reply names an item only the other diner sells.
The AI response cache never serves one diner's answer to another.
"""

from __future__ import annotations

import itertools
import json
from datetime import timedelta

import pytest
import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diner_agent.assembly import Assembly
from diner_agent.channels.slack.blocks import CANCEL_ACTION, CONFIRM_ACTION, UNDO_ACTION
from diner_agent.channels.sms.wire import carrier_keyword
from diner_agent.commands.model import Inbound
from diner_agent.commands.replies import HELP, NOT_UNDERSTOOD, STAFF_HELP
from tests.fakes.cloudflare import GATEWAY, Reply
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
from tests.integration.reliability.apps import ai_settings, no_ai
from tests.integration.reliability.tenant_state import all_states, changed, mentions, only_names, tenant_state
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
from tests.services import redis_backends, redis_url
from tests.usage_rows import usage_rows

ISOLATION = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Commands both menus can take (Coffee, Iced Tea, Cheeseburger... are on both), keywords and questions.
TEXTS = [
    "86 coffee", "coffee is back", "coffee 2.75", "coffee 9.00", "iced tea 3.10", "86 the cheeseburger",
    "cheeseburger is back", "mac and cheese 9.25", "closing at 2 today", "closed sundays", "open at 8 tomorrow",
    "emergency close, burst pipe", "open again", "UNDO", "YES", "NO", "MENU", "HOURS", "HELP", "STOP",
    "what's sold out?", "how much is the coffee?",
]  # fmt: skip
NUMBERS = {BLUE_PLATE_NUMBER: BLUE_PLATE, DEMO_NUMBER: DEMO}
PHONES = {DANA: BLUE_PLATE, SAM: BLUE_PLATE, DEMO_DANA: DEMO, DEMO_SAM: DEMO, DEMO_RILEY: DEMO, STRANGER: None}
TEAMS = {BLUE_TEAM: BLUE_PLATE, DEMO_TEAM: DEMO, "T0NOBODY": None}
OTHER = {BLUE_PLATE: DEMO, DEMO: BLUE_PLATE}
_ids = itertools.count(1)


def fresh(prefix: str) -> str:
    return f"{prefix}{next(_ids):020d}"


def secret_names(store) -> dict[str, set[str]]:
    """Per diner, the items only it sells, less those the canned texts every diner gets use as examples
    ('86 meatloaf' is in HELP for everyone, so naming meatloaf there tells nobody anything)."""
    canned = HELP + STAFF_HELP + NOT_UNDERSTOOD
    return {t: {n for n in only_names(store, t) if not mentions(canned, {n})} for t in (BLUE_PLATE, DEMO)}


def assert_tells_nothing_of(other: str | None, texts: list[str], secrets: dict[str, set[str]]) -> None:
    for text in texts:
        leaked = mentions(text, secrets[other]) if other else set()
        assert not leaked, f"{text!r} names {leaked}, sold only by {other}"


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
    ts = f"{1_764_000_000 + next(_ids)}.000100"
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


# --- the AI response cache --------------------------------------------------------------------------

FREE_FORM = "the walk-in cooler died so pull whatever needs refrigeration"  # the grammar cannot read it
QUESTION = "Write a one-line chalkboard sign for today's lunch."
SOLD_OUT = {BLUE_PLATE: "Reuben", DEMO: "Meatloaf"}  # each only on its own diner's menu


def answer_for_the_asking_diner(request) -> Reply:
    """The fake upstream answers each diner differently, by the tenant in cf-aig-metadata."""
    tenant = request.metadata["tenant"]
    if request.metadata.get("purpose") == "parse":
        return Reply(json={"commands": [{"action": "toggle_available", "target": SOLD_OUT[tenant], "value": False}]})
    return Reply(f"Chalkboard for {tenant}: come hungry.")


@pytest.fixture(params=redis_backends())
def cache_redis(request):
    """None (each process's memory cache), or a Redis URL with the gateway's keys cleared around the test."""
    if request.param == "memory":
        yield None
        return
    url = redis_url()
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match="diner-agent:ai:*", count=500):
        client.delete(key)
    yield url
    for key in client.scan_iter(match="diner-agent:ai:*", count=500):
        client.delete(key)
    client.close()


def _sms_reply(client, text: str, sender: str, to: str) -> str:
    [reply] = twiml_messages(signed_sms(client, sms_form(text, sender=sender, to=to)).get_data(as_text=True))
    return reply


def _chat(client, token: str, text: str) -> str:
    body = {"model": "diner-agent", "messages": [{"role": "user", "content": text}]}
    response = client.post("/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("scope", ["tenant", "shared"])
def test_the_ai_cache_never_serves_one_diners_answer_to_another(scope, cache_redis, build_app, fake_cloudflare, clock):
    fake_cloudflare.gateway.always(answer_for_the_asking_diner)
    app = build_app(**ai_settings(fake_cloudflare, ai_cache_scope=scope, redis_url=cache_redis))
    client, store = app.test_client(), Assembly.of(app).store
    tokens = {BLUE_PLATE: store.issue_token(BLUE_PLATE), DEMO: store.issue_token(DEMO)}
    owners = {BLUE_PLATE: (DANA, BLUE_PLATE_NUMBER), DEMO: (DEMO_DANA, DEMO_NUMBER)}

    # The same free-form text and the same chat question from both diners, blue-plate first.
    for diner in (BLUE_PLATE, DEMO):
        reply = _sms_reply(client, FREE_FORM, *owners[diner])
        assert SOLD_OUT[diner] in reply and SOLD_OUT[OTHER[diner]] not in reply, reply
        assert _chat(client, tokens[diner], QUESTION) == f"Chalkboard for {diner}: come hungry."
    asked = [r.metadata["tenant"] for r in fake_cloudflare.requests_to(GATEWAY)]
    # Both prompts carry the diner's own menu, so even a shared cache has no entry for the second diner.
    assert asked == [BLUE_PLATE, BLUE_PLATE, DEMO, DEMO]

    # Asked again, each diner gets its own answer back from the cache, without an upstream call.
    for diner in (DEMO, BLUE_PLATE):
        assert SOLD_OUT[diner] in _sms_reply(client, FREE_FORM, *owners[diner])
        assert _chat(client, tokens[diner], QUESTION) == f"Chalkboard for {diner}: come hungry."
    assert len(fake_cloudflare.requests) == 4
    today = clock.now().date()
    rows = usage_rows(app, today - timedelta(days=1), today + timedelta(days=1))
    hits = sorted(r["tenant"] for r in rows if r["cache_hit"])
    assert hits == [BLUE_PLATE, BLUE_PLATE, DEMO, DEMO]

    # What the scope decides: whether a request identical in every byte, from another diner, is a hit.
    gateway = Assembly.of(app).gateway
    same = [{"role": "user", "content": "Say hello to the morning crew."}]
    first = gateway.complete(BLUE_PLATE, same, max_tokens=40)
    second = gateway.complete(DEMO, same, max_tokens=40)
    assert first.text == "Chalkboard for blue-plate: come hungry." and not first.cache_hit
    if scope == "shared":
        assert second.cache_hit and second.text == first.text
        assert len(fake_cloudflare.requests) == 5
    else:
        assert not second.cache_hit and second.text == "Chalkboard for demo-diner: come hungry."
        assert len(fake_cloudflare.requests) == 6
