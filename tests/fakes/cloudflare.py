"""A loopback fake of Cloudflare AI Gateway, Workers AI and an OpenAI-compatible server.

A real threaded HTTP server on 127.0.0.1 (port 0) that speaks all three wire formats the gateway uses:

    POST /v1/{account}/{gateway}/compat/chat/completions   AI Gateway compat (OpenAI JSON and SSE)
    POST /client/v4/accounts/{account}/ai/run/{model}      Workers AI ({"result", "success"} envelope; SSE)
    POST /v1/chat/completions                              any OpenAI-compatible server

It records every request (provider, path, headers, JSON body) and is scripted per provider:

    with FakeCloudflare() as fake:
        fake.gateway.next(Fail(500))                 # the next gateway request fails once...
        fake.workers_ai.always(Reply("Sold out."))   # ...and Workers AI answers this from now on
        config = GatewayConfig(**fake.config_kwargs())

Behaviours: Reply (text or JSON, chunking, usage, headers, latency), Fail (status + body), RateLimit
(429 with a Cloudflare error code and optional Retry-After), Sleep (then behave), Malformed (a body that
is not JSON), Truncate (stop a body or stream midway), Stall (stop sending, keep the socket open) and
Reset (TCP RST). Every wait is interruptible, so stop() returns at once. Other suites (web chat, SMS) use
the same fake through `tests/fakes/cloudflare_fixture.py`.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GATEWAY = "ai-gateway"
WORKERS_AI = "workers-ai"
OPENAI = "openai-compatible"

_ROUTES = [
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


# -- the server ------------------------------------------------------------------------------------


class FakeCloudflare:
    account_id = "acct-fake"
    gateway_id = "gw-fake"
    gateway_token = "fake-gateway-token"
    api_token = "fake-workers-ai-token"
    openai_api_key = "fake-openai-key"

    def __init__(self, *, check_auth: bool = True) -> None:
        self.check_auth = check_auth
        self.gateway = Script(GATEWAY)
        self.workers_ai = Script(WORKERS_AI)
        self.openai = Script(OPENAI)
        self._scripts = {GATEWAY: self.gateway, WORKERS_AI: self.workers_ai, OPENAI: self.openai}
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._log_ids = 0
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FakeCloudflare:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeCloudflare:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses
    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def gateway_url(self) -> str:
        return f"{self.url}/v1/{self.account_id}/{self.gateway_id}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/client/v4"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    def config_kwargs(self, *providers: str) -> dict[str, Any]:
        """Keyword arguments for GatewayConfig pointing at this fake (default: all three providers)."""
        providers = providers or (GATEWAY, WORKERS_AI, OPENAI)
        kwargs: dict[str, Any] = {"api_base": self.api_base}
        if GATEWAY in providers:
            kwargs.update(gateway_url=self.gateway_url, gateway_token=self.gateway_token, api_token=self.api_token)
        if WORKERS_AI in providers:
            kwargs.update(account_id=self.account_id, api_token=self.api_token)
        if OPENAI in providers:
            kwargs.update(openai_base_url=self.openai_base_url, openai_api_key=self.openai_api_key)
        return kwargs

    def env(self) -> dict[str, str]:
        """The same as environment variables (DESIGN 4.5), for tests that build the whole app."""
        return {
            "CLOUDFLARE_AI_GATEWAY_URL": self.gateway_url,
            "CLOUDFLARE_AI_GATEWAY_TOKEN": self.gateway_token,
            "CLOUDFLARE_ACCOUNT_ID": self.account_id,
            "CLOUDFLARE_API_TOKEN": self.api_token,
            "CLOUDFLARE_API_BASE": self.api_base,
            "LLM_BASE_URL": self.openai_base_url,
            "LLM_API_KEY": self.openai_api_key,
        }

    # what happened
    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, provider: str) -> list[Recorded]:
        return [r for r in self.requests if r.provider == provider]

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
        for script in self._scripts.values():
            script.reset()

    # used by the handler
    def _record(self, request: Recorded) -> Behaviour:
        with self._lock:
            self._requests.append(request)
        return self._scripts[request.provider].take(request)

    def _next_log_id(self) -> str:
        with self._lock:
            self._log_ids += 1
            return f"01FAKELOG{self._log_ids:017d}"

    def _authorised(self, provider: str, headers: dict[str, str]) -> bool:
        if not self.check_auth:
            return True
        if provider == GATEWAY:
            return headers.get("cf-aig-authorization") == f"Bearer {self.gateway_token}"
        if provider == WORKERS_AI:
            return headers.get("authorization") == f"Bearer {self.api_token}"
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # the default backlog of 5 drops concurrent connects (a 1 s SYN retry)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets, truncations and clients hanging up are the point of this server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real clients get
    disable_nagle_algorithm = True  # small SSE writes must not wait for delayed ACKs
    timeout = 10  # idle keep-alive connections go away eventually
    fake: FakeCloudflare

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        for provider, pattern in _ROUTES:
            match = pattern.match(self.path)
            if match:
                break
        else:
            return self._json(404, {"success": False, "errors": [{"code": 7003, "message": "No route"}]})
        if match.groupdict().get("account", FakeCloudflare.account_id) != self.fake.account_id:
            return self._json(404, {"success": False, "errors": [{"code": 7003, "message": "Unknown account"}]})
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        self._recorded = Recorded(provider, "POST", self.path, headers, body, raw)
        behaviour = self.fake._record(self._recorded)
        if not self.fake._authorised(provider, headers):
            return self._json(401, {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]})
        self._perform(provider, behaviour, body if isinstance(body, dict) else {})

    # behaviours

    def _perform(self, provider: str, behaviour: Behaviour, body: dict) -> None:
        stream = bool(body.get("stream"))
        if isinstance(behaviour, Sleep):
            if self._wait(behaviour.seconds):
                return
            then = behaviour.then or self.fake._scripts[provider]._default
            return self._perform(provider, then(self._recorded) if callable(then) else then, body)
        if isinstance(behaviour, Reset):
            return self._reset()
        if isinstance(behaviour, Fail):
            payload = behaviour.body
            return self._send(behaviour.status, payload if isinstance(payload, str) else json.dumps(payload))
        if isinstance(behaviour, RateLimit):
            extra = {} if behaviour.retry_after is None else {"retry-after": str(behaviour.retry_after)}
            error = {"code": behaviour.code, "message": behaviour.message}
            return self._json(429, {"success": False, "errors": [error], "result": None}, extra)
        if isinstance(behaviour, Malformed):
            return self._send(200, behaviour.body, "text/event-stream" if stream else "application/json")
        if isinstance(behaviour, Truncate | Stall):
            reply = behaviour.reply
            if not stream:
                text = self._reply_body(provider, reply, body)
                return self._send(200, text[: len(text) // 2], length=len(text), cut=True, stall=behaviour)
            return self._stream(provider, reply, body, stop_after=behaviour.after, stall=behaviour)
        if isinstance(behaviour, Reply):
            if self._wait(behaviour.latency):
                return
            if stream:
                return self._stream(provider, behaviour, body)
            return self._send(200, self._reply_body(provider, behaviour, body), headers=self._meta(provider, behaviour))
        raise TypeError(f"Unknown behaviour {behaviour!r}")

    def _text(self, provider: str, reply: Reply) -> str:
        if reply.json is not None:
            return json.dumps(reply.json)
        return reply.text if reply.text is not None else f"Hello from {provider}."

    def _usage(self, reply: Reply, text: str) -> dict | None:
        if reply.usage == "auto":
            return {"prompt_tokens": 12, "completion_tokens": max(1, len(text) // 4), "total_tokens": 0}
        return reply.usage  # type: ignore[return-value]

    def _reply_body(self, provider: str, reply: Reply, body: dict) -> str:
        text = self._text(provider, reply)
        usage = self._usage(reply, text)
        if provider == WORKERS_AI:
            result: dict[str, Any] = {"response": reply.json if reply.json is not None else text}
            if usage is not None:
                result["usage"] = usage
            return json.dumps({"result": result, "success": True, "errors": [], "messages": []})
        answer: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        }
        if usage is not None:
            answer["usage"] = usage
        return json.dumps(answer)

    def _meta(self, provider: str, reply: Reply) -> dict[str, str]:
        headers = {}
        if provider == GATEWAY:
            headers = {"cf-aig-log-id": self.fake._next_log_id(), "cf-aig-cache-status": "MISS"}
        headers.update(reply.headers)
        return headers

    def _stream(self, provider: str, reply: Reply, body: dict, stop_after: int | None = None, stall: Any = None):
        text = self._text(provider, reply)
        chunks = list(reply.chunks) if reply.chunks is not None else re.findall(r"\S+\s*|\s+", text)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        for name, value in self._meta(provider, reply).items():
            self.send_header(name, value)
        self.end_headers()
        for i, chunk in enumerate(chunks):
            if stop_after is not None and i >= stop_after:
                if isinstance(stall, Stall):
                    self._wait(stall.seconds)
                return self._cut()
            if provider == WORKERS_AI:
                frame = {"response": chunk}
            else:
                frame = {
                    "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": {"content": chunk}}],
                }
            self._chunk(f"data: {json.dumps(frame)}\n\n")
            if reply.chunk_delay and self._wait(reply.chunk_delay):
                return
        usage = self._usage(reply, text)
        wants_usage = provider == WORKERS_AI or (body.get("stream_options") or {}).get("include_usage")
        if usage is not None and wants_usage:
            if provider == WORKERS_AI:
                frame = {"response": "", "usage": usage}
            else:
                frame = {"object": "chat.completion.chunk", "choices": [], "usage": usage}
            self._chunk(f"data: {json.dumps(frame)}\n\n")
        self._chunk("data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # plumbing

    def _wait(self, seconds: float) -> bool:
        """Sleep, unless the fake is stopping; True means stop now."""
        return seconds > 0 and self.fake.stopping.wait(seconds)

    def _chunk(self, data: str) -> None:
        payload = data.encode()
        self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        self.wfile.flush()

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data), headers=headers)

    def _send(
        self,
        status: int,
        text: str,
        content_type: str = "application/json",
        *,
        headers=None,
        length: int | None = None,
        cut: bool = False,
        stall: Any = None,
    ) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(length if length is not None else len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()
        if isinstance(stall, Stall) and self._wait(stall.seconds):
            return
        if cut:
            self._cut()

    def _cut(self) -> None:
        """Hang up without finishing the body."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _reset(self) -> None:
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


__all__ = [
    "GATEWAY",
    "OPENAI",
    "WORKERS_AI",
    "Fail",
    "FakeCloudflare",
    "Malformed",
    "RateLimit",
    "Recorded",
    "Reply",
    "Reset",
    "Script",
    "Sleep",
    "Stall",
    "Truncate",
]
