"""The Cloudflare fakes' script: the three providers, the behaviours a test scripts them with, and what
each request looked like; shared by the loopback server and the MockTransport."""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

GATEWAY = "ai-gateway"
WORKERS_AI = "workers-ai"
OPENAI = "openai-compatible"

ROUTES = [
    (GATEWAY, re.compile(r"^/v1/(?P<account>[^/]+)/(?P<gateway>[^/]+)/compat/chat/completions$")),
    (WORKERS_AI, re.compile(r"^/client/v4/accounts/(?P<account>[^/]+)/ai/run/(?P<model>.+)$")),
    (OPENAI, re.compile(r"^/v1/chat/completions$")),
]


# -- behaviours ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """Answer successfully. `json` makes a JSON-mode answer (Workers AI returns it parsed).

    `usage="auto"` sends usage computed from the text; None sends no usage at all.
    """

    text: str | None = None
    json: Any = None
    chunks: tuple[str, ...] | None = None
    usage: dict | str | None = "auto"
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    chunk_delay: float = 0.0


@dataclass(frozen=True)
class Fail:
    status: int = 500
    body: Any = field(default_factory=lambda: {"success": False, "errors": [{"code": 1000, "message": "boom"}]})


@dataclass(frozen=True)
class RateLimit:
    code: int = 3040
    retry_after: str | float | None = None
    message: str = "Capacity temporarily exceeded, please try again."


@dataclass(frozen=True)
class Sleep:
    seconds: float
    then: Any = None  # a behaviour to perform afterwards (default: the provider's default)


@dataclass(frozen=True)
class Malformed:
    body: str = '{"result": {"response": "half a body'


@dataclass(frozen=True)
class Truncate:
    after: int = 2  # chunks (streams) sent before the connection is cut
    reply: Reply = field(default_factory=lambda: Reply("This answer will never be finished, sorry."))


@dataclass(frozen=True)
class Stall:
    after: int = 2
    seconds: float = 30.0
    reply: Reply = field(default_factory=lambda: Reply("This answer stops and stares at the wall."))


@dataclass(frozen=True)
class Reset:
    """Close the connection with a TCP RST, without answering."""


Behaviour = Reply | Fail | RateLimit | Sleep | Malformed | Truncate | Stall | Reset


@dataclass(frozen=True)
class Recorded:
    provider: str
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes

    @property
    def metadata(self) -> dict | None:
        value = self.headers.get("cf-aig-metadata")
        return json.loads(value) if value else None


class Script:
    """What one fake provider does next: queued one-shot behaviours, then the default."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._queue: deque[Behaviour] = deque()
        self._default: Behaviour | Callable[[Recorded], Behaviour] = Reply()

    def next(self, *behaviours: Behaviour) -> Script:
        with self._lock:
            self._queue.extend(behaviours)
        return self

    def always(self, behaviour: Behaviour | Callable[[Recorded], Behaviour]) -> Script:
        """Set the default; a callable gets the recorded request and returns a behaviour."""
        with self._lock:
            self._default = behaviour
        return self

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self._default = Reply()

    def take(self, request: Recorded) -> Behaviour:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            default = self._default
        return default(request) if callable(default) else default
