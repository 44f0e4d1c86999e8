"""Twilio's wire format, as far as the SMS channel speaks it: the inbound form with its phone numbers in
E.164, the carrier keywords that must never reach the command parser, and TwiML replies in GSM-7.

Pure functions, no I/O: the webhook (webhook.py), outbound texts (outbound.py) and the simulator use them.
"""

from __future__ import annotations

import phonenumbers
from flask import Response
from twilio.twiml.messaging_response import MessagingResponse

from diner_agent.commands.addressing import Message
from diner_agent.commands.replies import fit
from diner_agent.menu.records import TenantInfo

MAX_SMS_CHARS = 1600  # Twilio's limit for one message body; replies are normally far shorter
MAX_MESSAGE_ID = 100  # MessageSid is 34 characters; the processed-message table holds 100

# Twilio's default opt-out keywords. Twilio blocks the sender itself and still forwards the text to us;
# we must neither reply nor read it as a command ("CANCEL" is also one of our cancel words).
OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
# Opt back in. Twilio also honours YES, but YES is our confirm word, so it is left to the service.
OPT_IN = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# What the sender hears while a slow answer is still being worked out; the answer follows by SMS.
HOLD_ON = "Got it, working on that one. I'll text you the answer in a moment."
LATE_FAILURE = "Sorry, something went wrong with that one. Please try again."


def inbound_message(form: dict[str, str]) -> Message:
    """The form Twilio posts, as the command service's Message: the diner's number (`To`) is the address,
    the sender's (`From`) the sender, both in E.164, and `MessageSid` the id Twilio's retries reuse."""
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").replace("\x00", "")[:MAX_MESSAGE_ID]
    return Message("sms", to_e164(form.get("To")), to_e164(form.get("From")), form.get("Body") or "", sid or None)


def to_e164(raw: str | None, default_region: str | None = None) -> str:
    """`+15555550100` from any way of writing it; the input (trimmed) when it is not a phone number."""
    raw = (raw or "").strip()
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask(phone: str) -> str:
    """Enough of a number to tell senders apart in logs without writing the number down."""
    return f"...{phone[-4:]}" if len(phone) > 4 else "..."


def carrier_keyword(body: str) -> str | None:
    """The keyword a one-word text stands for (STOP, START, HELP, ...), else None.

    Carriers and Twilio only act on a single word, so "stop that" is an ordinary message.
    """
    word = body.strip().strip(".!?,;:'\"*~ ").upper()
    if word in OPT_OUT or word in OPT_IN or word in HELP_WORDS:
        return word
    return None


def sms_text(text: str) -> str:
    """GSM-7 only and at most 1,600 characters: one emoji would make every segment cost 2-3x."""
    return fit(text, MAX_SMS_CHARS)


def twiml(text: str | None) -> Response:
    """Always valid TwiML; an empty `<Response/>` sends nothing."""
    response = MessagingResponse()
    if text:
        response.message(sms_text(text))
    return Response(str(response), status=200, content_type="application/xml")


def public_help(tenant: TenantInfo) -> str:
    """HELP for anyone, staff or not: carriers require it to name the service and how to opt out."""
    return sms_text(
        f"{tenant.name} menu line: the diner's staff text menu changes to this number. "
        "Msg & data rates may apply. Reply STOP to opt out."
    )
