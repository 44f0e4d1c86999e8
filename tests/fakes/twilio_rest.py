"""A loopback fake of Twilio's Messages REST endpoint (what `client.messages.create` posts to).

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   ->  201 {"sid": "SM...", "status": "queued", ...}

A real threaded HTTP server on 127.0.0.1 (port 0); point `SmsSender(api_url=fake.base_url)` (the app's
TWILIO_API_URL) at it. It records every send (account, HTTP Basic user, form) and can be told to refuse
the next ones the way Twilio does, e.g. `fake.refuse_next(400, 21610)` for an opted-out recipient.
"""

from __future__ import annotations

import base64
import re
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from urllib.parse import parse_qsl

from tests.fakes.loopback import LoopbackServer

_MESSAGES = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC[0-9a-zA-Z]+)/Messages\.json$")
_ERROR_TEXT = {
    21610: "Attempt to send to unsubscribed recipient",
    21211: "Invalid 'To' Phone Number",
    20429: "Too Many Requests",
}


@dataclass(frozen=True)
class Sent:
    account_sid: str
    auth_user: str | None
    form: dict[str, str]


class FakeTwilioRest(LoopbackServer):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self._refusals: deque[tuple[int, int]] = deque()
        self._lock = threading.Lock()

    def refuse_next(self, status: int = 400, code: int = 21610) -> None:
        """The next send is refused with this HTTP status and Twilio error code (and not recorded as sent)."""
        with self._lock:
            self._refusals.append((status, code))

    def answer(self, path: str, headers: dict[str, str], raw: str) -> tuple[int, dict]:
        authorization = headers.get("Authorization")
        match = _MESSAGES.match(path.split("?", 1)[0])
        if match is None:
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        with self._lock:
            refusal = self._refusals.popleft() if self._refusals else None
        if refusal is not None:
            status, code = refusal
            return status, {
                "code": code,
                "message": _ERROR_TEXT.get(code, "Refused"),
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            }
        form = dict(parse_qsl(raw, keep_blank_values=True))
        user = None
        if authorization and authorization.startswith("Basic "):
            user = base64.b64decode(authorization[6:]).decode().split(":", 1)[0]
        with self._lock:
            self.sent.append(Sent(match["account"], user, form))
        sid = "SM" + uuid.uuid4().hex
        return 201, {
            "sid": sid,
            "account_sid": match["account"],
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{match['account']}/Messages/{sid}.json",
        }
