"""`POST /sms`: the Twilio webhook (DESIGN 4.4, 6). A signed form in, TwiML out.

The view's jobs, in order: refuse anything not signed by Twilio with our auth token (403, nothing
applied); hand the form to the command service as a Message, which finds the diner by the number that
was texted and the sender by the number it came from; keep the carrier keywords (STOP and friends,
START, HELP) away from the command parser; let the service answer, within Twilio's window or by a text
later (`durable`: a text that needs the model is recorded and answered "working on it" at once; or
`followups`), with `MessageSid` as the message id (Twilio retries reuse it, and the service
answers a retry with the stored reply without applying anything again); render the reply as GSM-7
TwiML. Twilio treats any non-2xx answer as a failure and retries, so internal errors become an
apologetic TwiML message, never a 5xx.
"""

from __future__ import annotations

import logging
from functools import partial

from flask import Blueprint, Response, request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import RequestEntityTooLarge

from diner_agent import log_context
from diner_agent.channels.durable import DurableWork
from diner_agent.channels.followups import Followups
from diner_agent.channels.sms.late import reply_to as late_reply_to
from diner_agent.channels.sms.outbound import SmsSender
from diner_agent.channels.sms.wire import (
    HELP_WORDS,
    HOLD_ON,
    LATE_FAILURE,
    OPT_IN,
    OPT_OUT,
    carrier_keyword,
    inbound_message,
    mask,
    public_help,
    twiml,
)
from diner_agent.commands.addressing import Addressed
from diner_agent.commands.model import Reply
from diner_agent.commands.replies import SORRY, STORE_DOWN
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, secret_value
from diner_agent.menu.errors import StoreUnavailable

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 64 * 1024  # a Twilio form is ~1 KB even with a 1,600-character body


def sms_blueprint(
    service: CommandService,
    settings: Settings,
    followups: Followups,
    sender: SmsSender | None = None,
    durable: DurableWork | None = None,
) -> Blueprint:
    """The `/sms` route, bound to one command service and the Twilio settings. With `durable` (it can
    text answers later), a text that needs the model is answered "working on it" at once and its answer
    texted from the durable outbox; without it, an answer not ready within SMS_REPLY_WITHIN seconds is
    texted later through `sender`, and without a sender the answer gets that long."""
    bp = Blueprint("sms", __name__)
    token = secret_value(settings.twilio_auth_token)
    validator = RequestValidator(token) if token else None
    base_url = (settings.public_base_url or "").rstrip("/") or None
    budget = settings.sms_reply_within
    inline_wait = min(settings.ai_inline_wait, budget)
    # Start-up already logs "SMS webhook disabled" (Settings.feature_report) when the token is missing.

    def signed_url(public: str) -> str:
        """The URL Twilio signed: always the configured public one (a TLS-terminating proxy changes scheme
        and host on the way in). Never the request's own Host or X-Forwarded-Host: those are the sender's
        choice, and a request signed for any other webhook on the same Twilio account would replay here."""
        query = request.query_string.decode("latin-1")
        return public + request.path + (f"?{query}" if query else "")

    def text_later(addressed: Addressed):  # type: ignore[no-untyped-def]
        if sender is None:
            return None
        to, from_ = addressed.inbound.sender, addressed.tenant.sms_number or addressed.message.address

        def deliver(reply: Reply | None) -> None:
            sender.send(to, from_, reply.text if reply is not None else LATE_FAILURE)

        return deliver

    def answer(form: dict[str, str]) -> str | None:
        message = inbound_message(form)
        sid, who = message.message_id, mask(message.sender)
        log_context.bind(channel="sms", message_id=sid)
        addressed = service.address(message)
        if addressed is None:
            to = mask(message.address)
            log.warning("SMS to %s (MessageSid %s): no diner has that number; sent no reply.", to, sid)
            return None
        tenant = addressed.tenant
        log_context.bind(tenant=tenant.id)
        keyword = carrier_keyword(message.text)
        if keyword in OPT_OUT or keyword in OPT_IN:
            kind = "opt-out" if keyword in OPT_OUT else "opt-in"
            log.info("SMS %s (%s) from %s to %s: no reply, not read.", kind, keyword, who, tenant.id)
            return None
        if keyword in HELP_WORDS and addressed.actor is None:
            return public_help(tenant)
        if durable is not None and message.message_id and service.needs_model(addressed):
            # Model work never holds this request thread: recorded, answered later from the outbox.
            to, from_ = addressed.inbound.sender, tenant.sms_number or message.address
            quick = durable.submit(addressed, late_reply_to(to, from_), wait=inline_wait)
            if quick is None:
                log.info("SMS from %s to %s (MessageSid %s): taken on; the answer follows by SMS.", who, tenant.id, sid)
                return HOLD_ON
            log.info("SMS from %s to %s (MessageSid %s): %s", who, tenant.id, sid, quick.kind)
            return quick.text
        if durable is not None:
            reply = service.answer(addressed)  # the grammar's answer, never behind anyone's model work
        else:
            reply = followups.answer(partial(service.answer, addressed), budget, text_later(addressed))
        if reply is None:  # still thinking: the answer follows by SMS
            log.info("SMS from %s to %s (MessageSid %s): answer not ready in %.0f s; texting it later.",
                     who, tenant.id, sid, budget)  # fmt: skip
            return HOLD_ON
        log.info(
            "SMS from %s to %s (MessageSid %s): %s%s",
            who,
            tenant.id,
            sid,
            reply.kind,
            " (retry: stored reply sent again)" if reply.duplicate else "",
        )
        # A retry gets the stored reply again: Twilio retries when our first answer never reached it.
        return reply.text

    @bp.post("/sms")
    def sms() -> Response | tuple[str, int, dict[str, str]]:
        if validator is None:
            log.debug("refused /sms: TWILIO_AUTH_TOKEN is not set, so no signature can be checked.")
            return _refuse(403, "Forbidden: this server has no Twilio auth token.")
        if base_url is None:
            log.debug("refused /sms: PUBLIC_BASE_URL is not set, so no signed URL can be trusted.")
            return _refuse(403, "Forbidden: this server has no PUBLIC_BASE_URL to check Twilio signatures against.")
        request.max_content_length = MAX_FORM_BYTES
        try:
            form = request.form
        except RequestEntityTooLarge:
            log.warning("refused /sms: body over %d bytes.", MAX_FORM_BYTES)
            return _refuse(413, "Request body too large.")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(signed_url(base_url), form, signature):
            log.warning("refused /sms: %s Twilio signature.", "invalid" if signature else "missing")
            return _refuse(403, "Forbidden: invalid Twilio signature.")
        try:
            return twiml(answer(form.to_dict()))
        except StoreUnavailable:
            # Twilio never resends after a 200: the owner must hear that nothing was saved.
            log.warning("SMS not saved, the database is unavailable (MessageSid %s)", form.get("MessageSid"))
            return twiml(STORE_DOWN)
        except Exception:
            # Twilio would retry a 5xx; the owner gets an apology and we get the traceback.
            log.exception("SMS webhook failed (MessageSid %s)", form.get("MessageSid"))
            return twiml(SORRY)

    return bp


def _refuse(status: int, message: str) -> tuple[str, int, dict[str, str]]:
    return message + "\n", status, {"Content-Type": "text/plain; charset=utf-8"}
