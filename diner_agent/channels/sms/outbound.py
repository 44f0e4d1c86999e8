"""Send an SMS through Twilio's REST API: for answers that arrive after Twilio's 15 s webhook timeout.

`SmsSender.send` never raises: it returns whether the message was accepted, and whether a failure is
permanent (the recipient opted out with STOP: error 21610; the number cannot receive SMS; any other 4xx but 429),
so a caller retries only what may succeed later (connection errors, 5xx, 429).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from diner_agent.channels.sms.wire import mask, sms_text
from diner_agent.config import Settings, secret_value

log = logging.getLogger(__name__)

OPTED_OUT = 21610  # "Attempt to send to unsubscribed recipient"
# Errors no retry can fix: opted out, invalid / unreachable / non-mobile / landline 'To'.
PERMANENT_ERRORS = frozenset({OPTED_OUT, 21211, 21214, 21612, 21614, 21408})
SEND_TIMEOUT_SECONDS = 10.0

# twilio-python logs request headers and parameters at INFO; ours may carry an owner's message.
_quiet_http_log = logging.getLogger(f"{__name__}.http")


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    sid: str | None = None  # the outbound Message SID when accepted
    error_code: int | None = None  # Twilio's error code when Twilio refused it
    permanent: bool = False  # True: do not retry
    detail: str = ""


class SmsSender:
    """One Twilio account's outbound SMS. `api_url` replaces https://api.twilio.com (tests: a loopback fake)."""

    def __init__(
        self, account_sid: str, auth_token: str, *, api_url: str | None = None, timeout: float = SEND_TIMEOUT_SECONDS
    ) -> None:
        if _quiet_http_log.level == logging.NOTSET:
            _quiet_http_log.setLevel(logging.WARNING)
        http = TwilioHttpClient(timeout=timeout, logger=_quiet_http_log)
        self.client = Client(account_sid, auth_token, http_client=http)
        if api_url:
            # Each Twilio domain has its own base URL; Messages live on the `api` domain.
            self.client.api.base_url = api_url.rstrip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsSender | None:
        """A sender, or None (with the reason logged) when TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are missing."""
        token = secret_value(settings.twilio_auth_token)
        if not settings.twilio_account_sid or not token:
            log.info("Outbound SMS disabled: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are both needed.")
            return None
        return cls(settings.twilio_account_sid, token, api_url=settings.twilio_api_url)

    def send(self, to: str, from_: str, body: str) -> SendResult:
        """Send `body` (folded to GSM-7, at most 1,600 characters) from the diner's number `from_` to `to`."""
        try:
            message = self.client.messages.create(to=to, from_=from_, body=sms_text(body))
        except TwilioRestException as exc:
            # Retry only what may succeed later: 5xx, 429 and connection errors; another 4xx is our request.
            status = int(exc.status or 0)
            permanent = exc.code in PERMANENT_ERRORS or (400 <= status < 500 and status != 429)
            log.warning(
                "SMS to %s refused by Twilio: HTTP %s, error %s (%s)",
                mask(to),
                exc.status,
                exc.code,
                "permanent" if permanent else "may retry",
            )
            return SendResult(False, error_code=exc.code, permanent=permanent, detail=str(exc.msg))
        except (TwilioException, requests.RequestException, OSError) as exc:
            log.warning("SMS to %s not sent: %s", mask(to), exc.__class__.__name__)
            return SendResult(False, detail=exc.__class__.__name__)
        except Exception as exc:  # a caller in a background thread must never be taken down by a send
            log.exception("SMS to %s not sent", mask(to))
            return SendResult(False, detail=exc.__class__.__name__)
        return SendResult(True, sid=message.sid)
