"""The same conversation over real HTTP: the app on a loopback port, each text a Twilio webhook signed
with the real Twilio SDK. "hot tea 9" is asked about, "coffee 3.10" applied, and the YES after it
applies nothing; the public menu JSON shows the outcome."""

from __future__ import annotations

import httpx

from tests.integration.channels.webhooks import PUBLIC, serve, sms_form, twilio_signature, twiml_messages
from tests.sample import DEMO_DANA, DEMO_NUMBER


def send(base: str, body: str) -> str:
    form = sms_form(body, sender=DEMO_DANA, to=DEMO_NUMBER)
    signature = twilio_signature(PUBLIC + "/sms", form)  # signed for the public URL, as Twilio does
    response = httpx.post(f"{base}/sms", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    [message] = twiml_messages(response.text)
    return message


def prices(base: str) -> dict[str, str]:
    document = httpx.get(f"{base}/menu/demo-diner.json").json()
    return {i["name"]: i["price"] for i in document["items"] if i["name"] in ("Hot Tea", "Coffee")}


def test_yes_after_a_newer_change_applies_nothing_over_http(app):
    with serve(app) as base:
        asked = send(base, "hot tea 9")
        assert "Hot Tea" in asked and "YES" in asked
        assert send(base, "coffee 3.10").startswith("Coffee: $2.50 -> $3.10")
        late = send(base, "yes")
        assert late.startswith("Nothing is waiting") and "Hot Tea" in late
        assert prices(base) == {"Coffee": "3.10", "Hot Tea": "2.25"}


def test_yes_to_the_latest_question_applies_it_over_http(app):
    with serve(app) as base:
        send(base, "hot tea 9")
        assert send(base, "yes") == "Done. Hot Tea: $2.25 -> $9.00. Reply UNDO to revert."
        assert prices(base) == {"Coffee": "2.50", "Hot Tea": "9.00"}
