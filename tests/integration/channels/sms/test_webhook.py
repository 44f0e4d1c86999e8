"""POST /sms through the Flask test client: signatures, tenants and senders, carrier keywords, retries,
and TwiML that is always valid GSM-7. Every assertion is on state: the public menu, the audit log."""

from __future__ import annotations

import logging
import threading

import pytest
from flask import Flask

from diner_agent.channels.followups import InProcessFollowups
from diner_agent.channels.sms.webhook import sms_blueprint
from diner_agent.channels.sms.wire import OPT_OUT
from diner_agent.commands.replies import to_gsm7
from diner_agent.config import load_settings
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file
from tests.integration.channels.webhooks import (
    PUBLIC,
    TWILIO_TOKEN,
    audit_count,
    menu_item,
    signed_sms,
    sms_form,
    twilio_signature,
    twiml_messages,
)
from tests.sample import DANA, SAM, STRANGER


def text_of(response) -> str:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/xml")
    messages = twiml_messages(response.get_data(as_text=True))
    assert len(messages) <= 1
    return messages[0] if messages else ""


def test_a_signed_sms_changes_the_public_menu_and_gets_a_confirmation(client):
    reply = text_of(signed_sms(client, sms_form("86 the pot roast")))
    assert reply == "Pot Roast is now sold out. Reply UNDO to revert."
    assert menu_item(client, "Pot Roast")["available"] is False


def test_the_recorded_twilio_form_is_accepted_as_is(client):
    form = sms_form("coffee 2.75")
    assert form["AccountSid"].startswith("AC") and form["NumMedia"] == "0"  # the recorded companions stay
    assert "Coffee: $2.50 -> $2.75" in text_of(signed_sms(client, form))
    assert menu_item(client, "Coffee")["price"] == "2.75"


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},  # forged
        {},  # missing
        {"X-Twilio-Signature": ""},  # empty
    ],
    ids=["forged", "missing", "empty"],
)
def test_unsigned_or_forged_requests_are_refused_and_change_nothing(client, store, headers):
    response = client.post("/sms", data=sms_form("86 the pot roast"), headers=headers)
    assert response.status_code == 403
    assert menu_item(client, "Pot Roast")["available"] is True
    assert audit_count(store) == 0


def test_a_signature_made_for_another_url_is_refused(client, store):
    form = sms_form("86 the pot roast")
    for url in ("http://localhost/sms", PUBLIC + "/sms/other", "https://evil.example/sms"):
        response = client.post("/sms", data=form, headers={"X-Twilio-Signature": twilio_signature(url, form)})
        assert response.status_code == 403
    assert audit_count(store) == 0


def test_a_replayed_signature_with_a_changed_body_is_refused(client, store):
    form = sms_form("86 the pot roast")
    signature = twilio_signature(PUBLIC + "/sms", form)
    tampered = {**form, "Body": "coffee 0.01"}
    assert client.post("/sms", data=tampered, headers={"X-Twilio-Signature": signature}).status_code == 403
    added = {**form, "Extra": "1"}
    assert client.post("/sms", data=added, headers={"X-Twilio-Signature": signature}).status_code == 403
    assert menu_item(client, "Coffee")["price"] == "2.50"
    assert audit_count(store) == 0


def test_a_signature_made_with_another_token_is_refused(client, store):
    form = sms_form("86 the pot roast")
    signature = twilio_signature(PUBLIC + "/sms", form, token="someone-elses-token")
    assert client.post("/sms", data=form, headers={"X-Twilio-Signature": signature}).status_code == 403
    assert audit_count(store) == 0


def test_without_an_auth_token_every_request_is_refused(make_app, store, caplog):
    caplog.set_level(logging.INFO)
    client = make_app(twilio_auth_token=None).test_client()
    assert signed_sms(client, sms_form("86 the pot roast")).status_code == 403
    assert audit_count(store) == 0
    assert any("TWILIO_AUTH_TOKEN is not set" in r.getMessage() for r in caplog.records)


def test_a_query_string_is_part_of_the_signed_url(client):
    form = sms_form("86 the reuben")
    response = signed_sms(client, form, url=PUBLIC + "/sms?source=twilio", path="/sms?source=twilio")
    assert "Reuben is now sold out" in text_of(response)
    form = sms_form("86 the tuna melt")
    assert signed_sms(client, form, url=PUBLIC + "/sms", path="/sms?source=twilio").status_code == 403


def test_behind_a_tls_proxy_the_public_url_is_checked(make_app):
    """Behind a TLS-terminating proxy the request arrives as http on another host; the signature is checked
    against PUBLIC_BASE_URL (tests/integration/security/test_signed_host.py: never against the Host)."""
    client = make_app(public_base_url="https://menu.diner.example", trust_proxy=True).test_client()
    form = sms_form("86 the reuben")
    headers = {
        "X-Twilio-Signature": twilio_signature("https://menu.diner.example/sms", form),
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "menu.diner.example",
    }
    assert "Reuben is now sold out" in text_of(client.post("/sms", data=form, headers=headers))


def test_a_twilio_retry_with_the_same_message_sid_applies_once_and_repeats_the_reply(client, store):
    first = text_of(signed_sms(client, sms_form("86 the pot roast", sid="SM" + "a" * 32)))
    text_of(signed_sms(client, sms_form("pot roast is back")))
    again = text_of(signed_sms(client, sms_form("86 the pot roast", sid="SM" + "a" * 32)))
    assert again == first
    assert menu_item(client, "Pot Roast")["available"] is True  # the retry did not 86 it again
    assert audit_count(store) == 2


def test_concurrent_retries_of_one_message_apply_it_once(app, store):
    form = sms_form("coffee 2.75", sid="SM" + "b" * 32)
    replies: list[str] = []
    start = threading.Barrier(6)

    def deliver() -> None:
        client = app.test_client()
        start.wait()
        replies.append(text_of(signed_sms(client, form)))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(replies)) == 1 and "Coffee: $2.50 -> $2.75" in replies[0]
    assert audit_count(store) == 1


def test_staff_may_86_but_not_change_prices(client):
    assert "sold out" in text_of(signed_sms(client, sms_form("86 the pot roast", sender=SAM)))
    refused = text_of(signed_sms(client, sms_form("coffee 3.00", sender=SAM)))
    assert "only an owner" in refused
    assert menu_item(client, "Pot Roast")["available"] is False
    assert menu_item(client, "Coffee")["price"] == "2.50"


def test_an_unknown_sender_is_refused(client, store):
    reply = text_of(signed_sms(client, sms_form("86 the pot roast", sender=STRANGER)))
    assert "not on Blue Plate Diner's staff list" in reply
    assert audit_count(store) == 0


def test_numbers_are_normalised_to_e164(client):
    form = sms_form("86 the pot roast", sender="+1 (555) 555-0101", to="+1 555-555-0100")
    assert "sold out" in text_of(signed_sms(client, form))


def test_a_text_to_a_number_no_diner_has_gets_an_empty_response(client, store, caplog):
    caplog.set_level(logging.WARNING)
    response = signed_sms(client, sms_form("86 the pot roast", to="+15555550199"))
    assert text_of(response) == ""
    assert "<Response" in response.get_data(as_text=True)
    assert audit_count(store) == 0
    assert any("no diner has that number" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("word", sorted(OPT_OUT) + ["stop", "Stop.", " STOP! "])
def test_opt_out_words_get_no_reply_and_are_never_read(client, store, word):
    form = sms_form(word)
    assert text_of(signed_sms(client, form)) == ""
    assert store.processed_reply("sms", form["MessageSid"]) is None  # never reached the service


def test_cancel_is_an_opt_out_so_it_leaves_a_pending_change_alone(client):
    asked = text_of(signed_sms(client, sms_form("coffee 9.00")))  # +260%: waits for YES
    assert "YES" in asked
    assert text_of(signed_sms(client, sms_form("CANCEL"))) == ""
    assert "Coffee: $2.50 -> $9.00" in text_of(signed_sms(client, sms_form("YES")))
    assert menu_item(client, "Coffee")["price"] == "9.00"


@pytest.mark.parametrize("word", ["START", "unstop"])
def test_opt_in_words_get_no_reply_and_are_never_read(client, store, word):
    form = sms_form(word)
    assert text_of(signed_sms(client, form)) == ""
    assert store.processed_reply("sms", form["MessageSid"]) is None


def test_stop_inside_a_sentence_is_an_ordinary_message(client):
    assert "Nothing is waiting" in text_of(signed_sms(client, sms_form("stop that")))


def test_yes_is_our_confirm_word_not_an_opt_in(client):
    signed_sms(client, sms_form("coffee 9.00"))
    assert "Coffee: $2.50 -> $9.00" in text_of(signed_sms(client, sms_form("yes")))


@pytest.mark.parametrize("word", ["HELP", "info"])
def test_help_reaches_even_unknown_senders_and_names_the_opt_out(client, word):
    reply = text_of(signed_sms(client, sms_form(word, sender=STRANGER)))
    assert "Blue Plate Diner" in reply and "STOP" in reply


def test_help_from_staff_lists_the_commands(client):
    assert "86 meatloaf" in text_of(signed_sms(client, sms_form("HELP")))


EMOJI_TENANT = """
tenants:
  - id: taco-town
    name: "Taco \U0001f32e Town \u2014 \u201cthe best\u201d"
    timezone: America/Chicago
    currency: USD
    sms_number: "+15555550170"
    staff:
      - {name: Ana, phone: "+15555550171", role: owner}
    hours: {mon: "07:00-15:00"}
    menu:
""" + "".join(
    f'      - {{name: "Fish Taco \U0001f41f Supreme Number {i} with Extra Crema", price: "4.{i:02d}"}}\n'
    for i in range(40)
)


def test_replies_stay_gsm7_and_short_with_emoji_in_names(client, store, tmp_path):
    path = tmp_path / "emoji.yaml"
    path.write_text(EMOJI_TENANT, encoding="utf-8")
    load_tenants(store, read_tenant_file(path))
    texts = [
        text_of(signed_sms(client, sms_form("menu", sender="+15555550171", to="+15555550170"))),
        text_of(
            signed_sms(client, sms_form("86 fish taco supreme number 7", sender="+15555550171", to="+15555550170"))
        ),
        text_of(signed_sms(client, sms_form("hi", sender=STRANGER, to="+15555550170"))),  # refusal names the diner
        text_of(signed_sms(client, sms_form("help", sender=STRANGER, to="+15555550170"))),
    ]
    assert 'Taco Town - "the best"' in texts[2]
    for text in texts:
        assert text and to_gsm7(text) == text and len(text) <= 1600


def test_an_oversized_body_is_refused_cleanly(client, store, caplog):
    caplog.set_level(logging.WARNING)
    form = sms_form("86 the pot roast " + "x" * 100_000)
    response = signed_sms(client, form)
    assert response.status_code == 413
    assert audit_count(store) == 0
    assert not [r for r in caplog.records if r.exc_info]


class ExplodingService:
    """A command service whose every message fails, as a bug or a dead database would make it."""

    def address(self, message):
        raise RuntimeError("database on fire")


def test_an_internal_error_becomes_an_apology_not_a_5xx(clock, caplog):
    app = Flask(__name__)
    settings = load_settings(twilio_auth_token=TWILIO_TOKEN, public_base_url=PUBLIC)
    followups = InProcessFollowups(clock)
    app.register_blueprint(sms_blueprint(ExplodingService(), settings, followups))
    caplog.set_level(logging.ERROR)
    reply = text_of(signed_sms(app.test_client(), sms_form("86 the pot roast")))
    assert reply.startswith("Sorry, something went wrong")
    assert any(r.exc_info and "database on fire" in str(r.exc_info[1]) for r in caplog.records)
    followups.close()


def test_message_bodies_are_not_logged_at_info(client, caplog):
    caplog.set_level(logging.INFO)
    signed_sms(client, sms_form("86 the pot roast secret-ingredient-words"))
    signed_sms(client, sms_form("STOP secret-ingredient-words"))
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "secret-ingredient-words" not in logged
    assert TWILIO_TOKEN not in logged
    assert DANA not in logged  # senders appear masked
