"""`POST /sms`: the Twilio webhook (DESIGN 4.4, 6). A signed form in, TwiML out.

The adapter's jobs, in order: refuse anything not signed by Twilio with our auth token (403, nothing
applied); find the diner by the number that was texted (`To`) and the sender by `From`, both in E.164;
keep the carrier keywords (STOP and friends, START, HELP) away from the command parser; hand everything
else to the command service with `MessageSid` as the message id (Twilio retries reuse it, and the
service answers a retry with the stored reply without applying anything again); render the reply as
GSM-7 TwiML. Twilio treats any non-2xx answer as a failure and retries, so internal errors become an
apologetic TwiML message, never a 5xx.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import RequestEntityTooLarge

from diner_agent.bots.phone import mask, to_e164
from diner_agent.bots.sms_late import LateAnswers
from diner_agent.commands.model import Inbound
from diner_agent.commands.replies import SORRY, fit
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, secret_value
from diner_agent.menu.records import TenantInfo

log = logging.getLogger(__name__)

MAX_SMS_CHARS = 1600  # Twilio's limit for one message body; replies are normally far shorter
MAX_FORM_BYTES = 64 * 1024  # a Twilio form is ~1 KB even with a 1,600-character body

# Twilio's default opt-out keywords. Twilio blocks the sender itself and still forwards the text to us;
# we must neither reply nor read it as a command ("CANCEL" is also one of our cancel words).
OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
# Opt back in. Twilio also honours YES, but YES is our confirm word, so it is left to the service.
OPT_IN = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})


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


def sms_blueprint(service: CommandService, settings: Settings, late: LateAnswers | None = None) -> Blueprint:
    """The `/sms` route, bound to one command service and the Twilio settings; `late` decides how long the
    webhook waits for an answer before texting it later (see sms_late.py)."""
    bp = Blueprint("sms", __name__)
    late = late or LateAnswers(None, reply_within=settings.sms_reply_within, clock=service.clock)
    token = secret_value(settings.twilio_auth_token)
    validator = RequestValidator(token) if token else None
    base_url = (settings.public_base_url or "").rstrip("/") or None
    store = service.store
    # Start-up already logs "SMS webhook disabled" (Settings.feature_report) when the token is missing.

    def signed_url() -> str:
        """The URL Twilio signed: the public one when configured (a TLS-terminating proxy changes
        scheme and host on the way in), else what this request says it was."""
        if base_url is None:
            return request.url
        query = request.query_string.decode("latin-1")
        return base_url + request.path + (f"?{query}" if query else "")

    def answer(form: dict[str, str]) -> str | None:
        sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").replace("\x00", "")[:100] or None  # 34 chars
        number = to_e164(form.get("To"))
        sender = to_e164(form.get("From"))
        tenant = store.tenant_by_sms_number(number)
        if tenant is None:
            log.warning("SMS to %s (MessageSid %s): no diner has that number; sent no reply.", number, sid)
            return None
        body = form.get("Body") or ""
        keyword = carrier_keyword(body)
        if keyword in OPT_OUT:
            log.info("SMS opt-out (%s) from %s to %s: no reply, not read.", keyword, mask(sender), tenant.id)
            return None
        if keyword in OPT_IN:
            log.info("SMS opt-in (%s) from %s to %s: no reply, not read.", keyword, mask(sender), tenant.id)
            return None
        if keyword in HELP_WORDS and store.staff_by_phone(tenant.id, sender) is None:
            return public_help(tenant)
        inbound = Inbound(tenant.id, "sms", sender, body, message_id=sid)
        reply = None

        def work(deadline: float | None) -> str | None:
            nonlocal reply
            reply = service.handle(inbound, deadline=deadline)
            return reply.text

        text = late.answer(work, to=sender, from_=tenant.sms_number or number)
        if reply is None:  # still thinking: the answer follows by SMS
            return text
        log.info(
            "SMS from %s to %s (MessageSid %s): %s%s",
            mask(sender),
            tenant.id,
            sid,
            reply.kind,
            " (retry: stored reply sent again)" if reply.duplicate else "",
        )
        # A retry gets the stored reply again: Twilio retries when our first answer never reached it.
        return text

    @bp.post("/sms")
    def sms() -> Response | tuple[str, int, dict[str, str]]:
        if validator is None:
            log.debug("refused /sms: TWILIO_AUTH_TOKEN is not set, so no signature can be checked.")
            return _refuse(403, "Forbidden: this server has no Twilio auth token.")
        request.max_content_length = MAX_FORM_BYTES
        try:
            form = request.form
        except RequestEntityTooLarge:
            log.warning("refused /sms: body over %d bytes.", MAX_FORM_BYTES)
            return _refuse(413, "Request body too large.")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(signed_url(), form, signature):
            log.warning("refused /sms: %s Twilio signature.", "invalid" if signature else "missing")
            return _refuse(403, "Forbidden: invalid Twilio signature.")
        try:
            return twiml(answer(form.to_dict()))
        except Exception:
            # Twilio would retry a 5xx; the owner gets an apology and we get the traceback.
            log.exception("SMS webhook failed (MessageSid %s)", form.get("MessageSid"))
            return twiml(SORRY)

    return bp


def _refuse(status: int, message: str) -> tuple[str, int, dict[str, str]]:
    return message + "\n", status, {"Content-Type": "text/plain; charset=utf-8"}
