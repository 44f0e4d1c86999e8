"""Slack: an Undo button undoes exactly the change it was posted with; the default role is for members of
the diner's own workspace only (never a Slack Connect guest from another organisation); signed but
malformed payloads and an unreachable Web API are answered without a traceback, and the command is
still handled, its reply posted once Slack answers again."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import parse_qsl, urlencode

import pytest

from diner_agent.channels.slack.blocks import CONFIRM_ACTION, UNDO_ACTION
from diner_agent.menu.tenant_file import load_tenants, parse_tenant_file
from tests.fakes.slack_api import FakeSlackApi
from tests.integration.channels.slack.slack_messages import buttons, click, command
from tests.integration.channels.webhooks import (
    click_body,
    event_body,
    menu_item,
    settle,
    slack_post,
)

# --- the Undo button names its change ---------------------------------------------------------------


def test_an_old_undo_button_never_reverts_a_newer_change(app, client, fake_slack):
    first = command(client, "coffee 2.75")
    command(client, "coffee 3.00")
    batch = buttons(first)[UNDO_ACTION]
    assert batch != "undo"
    answer = click(app, fake_slack, UNDO_ACTION, batch, "old1", message_ts="1764169400.000100")
    assert "changed again" in answer["text"]
    assert menu_item(client, "Coffee")["price"] == "3.00"


def test_an_undo_button_undoes_its_own_change_not_the_latest(app, client, fake_slack):
    first = command(client, "coffee 2.75")
    command(client, "iced tea 3.00")
    answer = click(app, fake_slack, UNDO_ACTION, buttons(first)[UNDO_ACTION], "old2")
    assert answer["text"].startswith("Undone") and "Coffee" in answer["text"]
    assert menu_item(client, "Coffee")["price"] == "2.50"
    assert menu_item(client, "Iced Tea")["price"] == "3.00"


def test_an_owner_may_undo_a_staff_change_but_staff_not_an_owners(app, client, fake_slack):
    sams = command(client, "86 the reuben", user="U0SAM")
    danas = command(client, "coffee 2.75")
    refused = click(app, fake_slack, UNDO_ACTION, buttons(danas)[UNDO_ACTION], "own1", user="U0SAM")
    assert "owner" in refused["text"] and menu_item(client, "Coffee")["price"] == "2.75"
    done = click(app, fake_slack, UNDO_ACTION, buttons(sams)[UNDO_ACTION], "own2")
    assert done["text"].startswith("Undone") and menu_item(client, "Reuben")["available"] is True


def test_an_undo_button_of_another_diner_or_no_change_does_nothing(app, client, fake_slack):
    command(client, "coffee 2.75")
    answer = click(app, fake_slack, UNDO_ACTION, "undo", "legacy")
    assert "Undo" in answer["text"] and menu_item(client, "Coffee")["price"] == "2.75"
    answer = click(app, fake_slack, UNDO_ACTION, "00000000-0000-4000-8000-000000000000", "none")
    assert menu_item(client, "Coffee")["price"] == "2.75" and not answer["text"].startswith("Undone")


# --- Slack Connect guests ----------------------------------------------------------------------------

OPEN_TEAM = "T0OPENDNR"
OPEN_DINER = f"""
tenants:
  - id: open-diner
    name: Open Diner
    timezone: America/New_York
    slack_team: {OPEN_TEAM}
    slack_default_role: staff
    staff:
      - {{name: Olive, phone: "+15555550171", role: owner, slack_user: U0OLIVE}}
    menu:
      - {{name: Pie, price: "4.00"}}
      - {{name: Soup, price: "5.00"}}
"""


@pytest.fixture
def open_diner(store):
    load_tenants(store, parse_tenant_file(OPEN_DINER))


def _mention(client, text: str, user: str, user_team: str | None):
    body = json.loads(event_body("slack_app_mention", text=f"<@U0BOT> {text}", user=user, team=OPEN_TEAM))
    if user_team is None:
        body["event"].pop("user_team", None)
    else:
        body["event"]["user_team"] = body["event"]["team"] = user_team
    return slack_post(client, json.dumps(body), json_body=True)


def test_the_default_role_is_for_the_diners_own_workspace_only(app, client, open_diner):
    assert _mention(client, "86 the pie", "U0GUEST", "T0OTHERORG").status_code == 200
    settle(app)
    assert menu_item(client, "Pie", "open-diner")["available"] is True
    _mention(client, "86 the soup", "U0MEMBER", OPEN_TEAM)
    settle(app)
    assert menu_item(client, "Soup", "open-diner")["available"] is False


def _click_as(client, action_id: str, value: str, *, user: str, user_team: str, response_url: str):
    fields = dict(parse_qsl(click_body(action_id, value, user=user, team=OPEN_TEAM, response_url=response_url)))
    payload = json.loads(fields["payload"])
    payload["user"]["team_id"] = user_team  # a Slack Connect guest: their own organisation's team
    return slack_post(client, urlencode({"payload": json.dumps(payload)}))


def test_a_guest_cannot_confirm_or_undo_with_the_default_role(app, client, fake_slack, open_diner):
    _mention(client, "86 the soup", "U0MEMBER", OPEN_TEAM)  # a member of the diner's workspace: staff
    settle(app)
    member_post = fake_slack.posts()[-1]
    undo = buttons(member_post)[UNDO_ACTION]
    _click_as(client, UNDO_ACTION, undo, user="U0GUEST", user_team="T0OTHERORG",
              response_url=fake_slack.response_url("guest"))  # fmt: skip
    settle(app)
    assert menu_item(client, "Soup", "open-diner")["available"] is False
    assert "not on" in fake_slack.responses("guest")[-1]["text"]


# --- malformed payloads, an unreachable Web API -------------------------------------------------------


def _tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def test_a_signed_event_whose_text_is_not_a_string_is_answered_without_a_traceback(app, client, fake_slack, caplog):
    caplog.set_level(logging.INFO)
    body = json.loads(event_body("slack_app_mention"))
    body["event"]["text"] = 86
    response = slack_post(client, json.dumps(body), json_body=True)
    settle(app)
    assert response.status_code in (200, 400)
    assert _tracebacks(caplog) == []


def test_a_signed_click_without_a_response_url_is_handled_without_a_traceback(app, client, fake_slack, caplog):
    pending = buttons(command(client, "coffee 9.00"))[CONFIRM_ACTION]
    caplog.set_level(logging.INFO)
    fields = dict(parse_qsl(click_body(CONFIRM_ACTION, pending, response_url="unused")))
    payload = json.loads(fields["payload"])
    del payload["response_url"]
    response = slack_post(client, urlencode({"payload": json.dumps(payload)}))
    settle(app)
    assert response.status_code == 200
    assert menu_item(client, "Coffee")["price"] == "9.00"
    assert _tracebacks(caplog) == []


class FlakySlackApi(FakeSlackApi):
    """The fake Web API, but while `down` every request is dropped without an answer (as an unreachable
    Slack looks to the client); the attempts are counted."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True
        self.refused = 0
        self._server.handle_error = lambda request, address: None  # no traceback on stderr for a drop

    def answer(self, path, headers, raw):
        if self.down:
            self.refused += 1
            raise ConnectionAbortedError("Slack is unreachable")
        return super().answer(path, headers, raw)


def test_an_unreachable_web_api_on_the_first_request_still_handles_the_message(make_app, caplog):
    caplog.set_level(logging.INFO)
    with FlakySlackApi() as slack:
        app = make_app(slack_api_url=slack.api_url)
        client = app.test_client()
        response = slack_post(client, event_body("slack_app_mention", text="<@U0BOT> 86 the reuben"), json_body=True)
        assert response.status_code == 200
        ack = command(client, "86 the tuna melt")
        assert "Tuna Melt is now sold out" in json.dumps(ack)
        for _ in range(200):
            if menu_item(client, "Reuben")["available"] is False:
                break
            time.sleep(0.02)
        assert menu_item(client, "Reuben")["available"] is False and slack.refused >= 1
        slack.down = False
        for _ in range(500):
            if slack.posts():
                break
            time.sleep(0.02)
        assert any("Reuben is now sold out" in p.get("text", "") for p in slack.posts())
        settle(app, timeout=20)
    assert _tracebacks(caplog) == []
