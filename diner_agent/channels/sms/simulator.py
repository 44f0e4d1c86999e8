"""`diner-agent sms`: text a running server the way Twilio would, without Twilio.

It builds the form Twilio posts for an inbound SMS (To = the diner's number, a fresh `SM...`
MessageSid), signs it with TWILIO_AUTH_TOKEN exactly as Twilio does, posts it to `{url}/sms`
and returns the reply texts parsed out of the TwiML. The signature covers the URL, so it is computed
for PUBLIC_BASE_URL + "/sms" when that is set (what the server checks against), else for the URL used.
"""

from __future__ import annotations

import uuid
from xml.etree import ElementTree

import httpx
from twilio.request_validator import RequestValidator

from diner_agent.channels.sms.wire import to_e164
from diner_agent.config import Settings, secret_value


class SimulatorError(Exception):
    """Why the simulated SMS got no answer, in words for the person at the terminal."""


def fresh_message_sid() -> str:
    """A 34-character `SM...` id, as Twilio gives every message."""
    return "SM" + uuid.uuid4().hex


def inbound_form(*, to: str, sender: str, text: str, message_sid: str, account_sid: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS (the ones the server reads, plus the usual companions)."""
    return {
        "ToCountry": "US",
        "SmsMessageSid": message_sid,
        "NumMedia": "0",
        "SmsSid": message_sid,
        "SmsStatus": "received",
        "Body": text,
        "To": to,
        "NumSegments": "1",
        "MessageSid": message_sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def replies_from_twiml(xml: str) -> list[str]:
    """The texts of the `<Message>` elements of a TwiML response (none for an empty `<Response/>`)."""
    try:
        root = ElementTree.fromstring(xml)  # noqa: S314 (our own server's answer, not untrusted input)
    except ElementTree.ParseError as exc:
        raise SimulatorError(f"The server did not answer with TwiML ({exc}).") from None
    return ["".join(m.itertext()) for m in root.iter("Message")]


def simulate_sms(
    settings: Settings, *, to: str, sender: str, text: str, url: str | None = None, timeout: float = 20.0
) -> list[str]:
    """Send one signed inbound SMS to the diner's number `to` on a running server; return its reply texts
    (empty: no reply)."""
    token = secret_value(settings.twilio_auth_token)
    if token is None:
        raise SimulatorError(
            "TWILIO_AUTH_TOKEN is not set. The server refuses unsigned SMS; give this command and the server "
            "the same token (environment, .env or .dev.vars)."
        )
    base = (url or f"http://localhost:{settings.port}").rstrip("/")
    target = base + "/sms"
    signed_for = (settings.public_base_url.rstrip("/") + "/sms") if settings.public_base_url else target
    form = inbound_form(
        to=to,
        sender=to_e164(sender, "US"),
        text=text,
        message_sid=fresh_message_sid(),
        account_sid=settings.twilio_account_sid or "AC" + "0" * 32,
    )
    signature = RequestValidator(token).compute_signature(signed_for, form)
    try:
        response = httpx.post(target, data=form, headers={"X-Twilio-Signature": signature}, timeout=timeout)
    except httpx.ConnectError:
        raise SimulatorError(f"No server answered at {base}; start one with 'diner-agent serve'.") from None
    except httpx.HTTPError as exc:
        raise SimulatorError(f"The request to {target} failed: {exc.__class__.__name__}.") from None
    if response.status_code == 403:
        raise SimulatorError(
            f"The server refused the signature (403). It signs for {signed_for}: the server must use the same "
            "TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL as this command."
        )
    if response.status_code != 200:
        raise SimulatorError(f"The server answered HTTP {response.status_code}: {response.text[:200]}")
    return replies_from_twiml(response.text)
