"""Signed Twilio and Slack requests built from the recorded payloads in tests/payloads, signed with the
real SDKs (as Twilio and Slack sign them), and a real loopback server for the app."""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from diner_agent.assembly import Assembly
from diner_agent.menu import models as m
from tests.sample import BLUE_PLATE_NUMBER, DANA

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads"
TWILIO_TOKEN = "test-twilio-auth-token-0123456789ab"
SLACK_SECRET = "test-slack-signing-secret-8f7e6d5c"
SLACK_BOT_TOKEN = "xoxb-test-0000-bot-token"
PUBLIC = "https://diner.example"


# --- Twilio ---------------------------------------------------------------------------------------


def sms_form(body: str, *, sender: str = DANA, to: str = BLUE_PLATE_NUMBER, sid: str | None = None) -> dict[str, str]:
    """The recorded Twilio inbound form with this body, sender, number and a fresh (or given) MessageSid."""
    form = dict(parse_qsl((PAYLOADS / "twilio_inbound_sms.txt").read_text(), keep_blank_values=True))
    sid = sid or "SM" + uuid.uuid4().hex
    form.update(Body=body, From=sender, To=to, MessageSid=sid, SmsMessageSid=sid, SmsSid=sid)
    return form


def twilio_signature(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


def signed_sms(client, form: dict[str, str], *, url: str = PUBLIC + "/sms", path: str = "/sms"):
    """POST the form through a Flask test client, signed for `url` (what Twilio would have requested)."""
    return client.post(path, data=form, headers={"X-Twilio-Signature": twilio_signature(url, form)})


def twiml_messages(xml: str) -> list[str]:
    from diner_agent.channels.sms.simulator import replies_from_twiml

    return replies_from_twiml(xml)


# --- Slack ----------------------------------------------------------------------------------------


def slack_headers(body: str, *, timestamp: int | None = None, secret: str = SLACK_SECRET, **extra: str) -> dict:
    ts = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(ts), body=body)
    headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": signature}
    headers.update(extra)
    return headers


def event_body(
    name: str,
    *,
    text: str | None = None,
    user: str | None = None,
    team: str | None = None,
    event_id: str | None = None,
    **event_fields: object,
) -> str:
    """A recorded event_callback (`slack_app_mention` / `slack_message_im`) with fields replaced."""
    body = json.loads((PAYLOADS / f"{name}.json").read_text())
    event = body["event"]
    if text is not None:
        event["text"] = text
    if user is not None:
        event["user"] = user
    if team is not None:
        body["team_id"] = event["team"] = team
        body["authorizations"][0]["team_id"] = team
    for key, value in event_fields.items():
        if value is None:
            event.pop(key, None)
        else:
            event[key] = value
    body["event_id"] = event_id or "Ev" + uuid.uuid4().hex[:10].upper()
    return json.dumps(body)


def command_body(text: str, *, user: str = "U0DANA", team: str = "T0BLUEPLT", response_url: str | None = None) -> str:
    """The recorded `/menu` slash command form with this text, user and team."""
    form = dict(parse_qsl((PAYLOADS / "slack_command_menu.txt").read_text(), keep_blank_values=True))
    form.update(text=text, user_id=user, team_id=team, trigger_id=f"{uuid.uuid4().int % 10**13}.7012345678901.ab")
    if response_url:
        form["response_url"] = response_url
    return urlencode(form)


def click_body(
    action_id: str,
    value: str,
    *,
    user: str = "U0DANA",
    team: str = "T0BLUEPLT",
    response_url: str,
    message_ts: str = "1764169201.000100",
) -> str:
    """The recorded block_actions payload for a click on `action_id` carrying `value`, as Slack posts it."""
    payload = copy.deepcopy(json.loads((PAYLOADS / "slack_block_actions.json").read_text()))
    payload["user"].update(id=user, team_id=team)
    payload["team"]["id"] = team
    payload["response_url"] = response_url
    payload["container"]["message_ts"] = payload["message"]["ts"] = message_ts
    action = payload["actions"][0]
    action.update(action_id=action_id, value=value, action_ts=f"{time.time():.6f}")
    return urlencode({"payload": json.dumps(payload)})


def slack_post(client, body: str, *, json_body: bool = False, **header_options):
    content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
    headers = slack_headers(body, **header_options)
    return client.post("/slack/events", data=body, headers=headers, content_type=content_type)


# --- state ----------------------------------------------------------------------------------------


def audit_count(store, tenant_id: str = "blue-plate") -> int:
    """Applied changes so far: the audit log is what an "applied once" assertion counts."""
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.tenant_id == tenant_id))


def menu_item(client, name: str, tenant_id: str = "blue-plate") -> dict:
    """The item as the public menu JSON shows it."""
    document = client.get(f"/menu/{tenant_id}.json").get_json()
    return next(i for i in document["items"] if i["name"] == name)


@contextmanager
def serve(app) -> Iterator[str]:
    """Run the app on a real loopback port (threaded, like gunicorn's gthread workers)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def settle(app, timeout: float = 10.0) -> None:
    """Wait until the work already acked (Slack events, clicks, late /menu answers, texts taken on for
    model work and their answers in the outbox) has finished."""
    parts = Assembly.of(app)
    assert parts.slack_listeners.wait_idle(timeout), "Slack listeners still busy"
    assert parts.followups.wait_idle(timeout), "late answers still being worked out"
    if parts.durable is not None:
        assert parts.durable.wait_idle(timeout), "durable model work or its answers still unfinished"
