"""A loopback fake of the Slack Web API and of Slack's response_url endpoints.

A real threaded HTTP server on 127.0.0.1 (port 0). Point `WebClient(base_url=fake.api_url)` at it (the app
takes SLACK_API_URL) and put `fake.response_url("x")` in interactive payloads; every request is recorded
with its path and decoded body (JSON or form), and everything answers like Slack does when all is well:

    POST /api/auth.test          {"ok": true, "user_id": "U0BOT", "bot_id": "B0BOT", ...}
    POST /api/chat.postMessage   {"ok": true, "channel": ..., "ts": "<a fresh ts>", "message": {...}}
    POST /api/<anything else>    {"ok": true}
    POST /response/<name>        200 "ok" (what respond() posts to)

A call is recorded before it is answered, so once the client has its answer the test can see the call.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes.loopback import LoopbackServer

BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"


@dataclass(frozen=True)
class Call:
    path: str
    headers: dict[str, str]
    body: Any  # a dict (JSON or form), or the raw text

    @property
    def method(self) -> str:
        """The Web API method (`chat.postMessage`), or "response" for a response_url post."""
        if self.path.startswith("/api/"):
            return self.path[len("/api/") :]
        return "response" if self.path.startswith("/response/") else self.path


class FakeSlackApi(LoopbackServer):
    def __init__(self, team_id: str = "T0BLUEPLT") -> None:
        super().__init__()
        self.team_id = team_id
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._ts = 1_700_000_000

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    # --- reading what happened -------------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posts(self) -> list[dict]:
        """Bodies of chat.postMessage calls, in arrival order."""
        return [c.body for c in self.of("chat.postMessage")]

    def responses(self, name: str | None = None) -> list[dict]:
        """Bodies posted to response_url(name) (any name when None), in arrival order."""
        with self._lock:
            return [
                c.body for c in self.calls if c.method == "response" and (name is None or c.path == f"/response/{name}")
            ]

    # --- answering -----------------------------------------------------------------------------------

    def answer(self, path: str, headers: dict[str, str], raw: str) -> tuple[int, Any]:
        content_type = headers.get("Content-Type", "")
        body: Any
        if "json" in content_type:
            body = json.loads(raw or "{}")
        elif "x-www-form-urlencoded" in content_type:
            body = dict(parse_qsl(raw, keep_blank_values=True))
        else:
            body = raw
        call = Call(path.split("?", 1)[0], headers, body)
        if call.method == "response":
            payload: Any = "ok"
        elif call.method == "auth.test":
            payload = {
                "ok": True,
                "url": "https://blueplate.slack.com/",
                "team": "Blue Plate",
                "user": "dinerbot",
                "team_id": self.team_id,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        elif call.method == "chat.postMessage":
            with self._lock:
                self._ts += 1
                ts = f"{self._ts}.000100"
            channel = body.get("channel") if isinstance(body, dict) else None
            payload = {"ok": True, "channel": channel, "ts": ts, "message": {"type": "message", "ts": ts}}
        else:
            payload = {"ok": True}
        # Record before answering: once the client has its answer, the call is visible to the test.
        with self._lock:
            self.calls.append(call)
        return 200, payload
