"""The SMS adapter's pure rules: carrier keywords, E.164, GSM-7 TwiML."""

from __future__ import annotations

import pytest
from flask import Flask

from diner_agent.channels.sms.simulator import fresh_message_sid, replies_from_twiml
from diner_agent.channels.sms.wire import MAX_SMS_CHARS, carrier_keyword, mask, sms_text, to_e164, twiml
from diner_agent.commands.replies import to_gsm7


@pytest.mark.parametrize(
    ("body", "keyword"),
    [
        ("STOP", "STOP"),
        (" stop. ", "STOP"),
        ("Unsubscribe!", "UNSUBSCRIBE"),
        ("optout", "OPTOUT"),
        ("cancel", "CANCEL"),
        ("start", "START"),
        ("UNSTOP", "UNSTOP"),
        ("help", "HELP"),
        ("Info?", "INFO"),
        ("yes", None),  # our confirm word, never an opt-in here
        ("stop that", None),  # carriers act on single words only
        ("86 the pot roast", None),
        ("", None),
    ],
)
def test_carrier_keywords_are_single_words(body, keyword):
    assert carrier_keyword(body) == keyword


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+15555550100", "+15555550100"),
        ("+1 (555) 555-0100", "+15555550100"),
        (" +44 20 7946 0958 ", "+442079460958"),
        ("DinerAlerts", "DinerAlerts"),  # alphanumeric senders stay as they are
    ],
)
def test_numbers_become_e164(raw, e164):
    assert to_e164(raw) == e164


def test_a_default_region_reads_national_numbers():
    assert to_e164("555-555-0101", "US") == "+15555550101"


def test_sms_text_is_gsm7_and_never_over_1600_characters():
    text = sms_text("Taco \U0001f32e Tuesday \u2014 \u201cfish\u201d " * 200)
    assert to_gsm7(text) == text and len(text) <= MAX_SMS_CHARS
    assert text.startswith('Taco Tuesday - "fish"') and text.endswith("...")


def test_twiml_is_valid_xml_with_the_right_content_type():
    with Flask(__name__).app_context():
        empty, message = twiml(None), twiml("Reuben <&> fries")
    assert empty.content_type == "application/xml" and replies_from_twiml(empty.get_data(as_text=True)) == []
    assert replies_from_twiml(message.get_data(as_text=True)) == ["Reuben <&> fries"]


def test_logged_numbers_are_masked():
    assert mask("+15555550101") == "...0101"


def test_fresh_message_sids_look_like_twilios():
    sid = fresh_message_sid()
    assert sid.startswith("SM") and len(sid) == 34 and sid != fresh_message_sid()
