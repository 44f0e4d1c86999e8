"""MockCloudflare: the fake providers behind an `httpx.MockTransport`, for the gateway's policy tests
(cache, coalescing, fallback, limits, breakers, streams). No socket and no server thread: a gateway
built with `http_client=fake.client()` sends its requests straight to `handle`.

Network trouble becomes the exception httpx itself raises for it: a reset is a ReadError, a body cut
short a RemoteProtocolError, and a wait longer than the request's read timeout (a Sleep, a Stall) waits
that timeout out and raises ReadTimeout, as a silent upstream would make httpx do. The loopback server
(loopback.py) keeps the real wire for the tests about it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx

from tests.fakes.cloudflare.fake import CloudflareFake, reply_body, stream_chunks, stream_end
from tests.fakes.cloudflare.script import (
    Behaviour,
    Fail,
    Malformed,
    RateLimit,
    Recorded,
    Reply,
    Reset,
    Sleep,
    Stall,
    Truncate,
)


class MockCloudflare(CloudflareFake):
    @property
    def url(self) -> str:
        return "http://cloudflare.fake"

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        received = self.receive(request.url.path, headers, request.read())
        if isinstance(received[0], int):
            return httpx.Response(received[0], json=received[1])
        recorded, behaviour = received
        return self._perform(request, recorded, behaviour, recorded.body if isinstance(recorded.body, dict) else {})

    def _perform(self, request: httpx.Request, recorded: Recorded, behaviour: Behaviour, body: dict) -> httpx.Response:
        provider, stream = recorded.provider, bool(body.get("stream"))
        if isinstance(behaviour, Sleep):
            _wait(request, behaviour.seconds)
            return self._perform(request, recorded, self.then(provider, recorded, behaviour.then), body)
        if isinstance(behaviour, Reset):
            raise httpx.ReadError("Connection reset by peer", request=request)
        if isinstance(behaviour, Fail):
            payload = behaviour.body if isinstance(behaviour.body, str) else json.dumps(behaviour.body)
            return httpx.Response(behaviour.status, text=payload, headers={"content-type": "application/json"})
        if isinstance(behaviour, RateLimit):
            extra = {} if behaviour.retry_after is None else {"retry-after": str(behaviour.retry_after)}
            error = {"code": behaviour.code, "message": behaviour.message}
            return httpx.Response(429, json={"success": False, "errors": [error], "result": None}, headers=extra)
        if isinstance(behaviour, Malformed):
            kind = "text/event-stream" if stream else "application/json"
            return httpx.Response(200, text=behaviour.body, headers={"content-type": kind})
        if isinstance(behaviour, Truncate | Stall):
            reply = behaviour.reply
            if stream:
                parts = stream_chunks(provider, reply)[: behaviour.after]
                headers = {"content-type": "text/event-stream", **self.meta(provider, reply)}
            else:
                text = reply_body(provider, reply, body)
                parts, headers = [text[: len(text) // 2]], {"content-type": "application/json"}
            return httpx.Response(
                200, headers=headers, content=_broken(request, parts, stall=isinstance(behaviour, Stall))
            )
        if isinstance(behaviour, Reply):
            _wait(request, behaviour.latency)
            meta = self.meta(provider, behaviour)
            if not stream:
                text = reply_body(provider, behaviour, body)
                return httpx.Response(200, text=text, headers={"content-type": "application/json", **meta})
            events = [*stream_chunks(provider, behaviour), *stream_end(provider, behaviour, body)]
            content = _events(request, events, behaviour.chunk_delay)
            return httpx.Response(200, headers={"content-type": "text/event-stream", **meta}, content=content)
        raise TypeError(f"Unknown behaviour {behaviour!r}")


def _read_timeout(request: httpx.Request) -> float | None:
    return (request.extensions.get("timeout") or {}).get("read")


def _wait(request: httpx.Request, seconds: float) -> None:
    """Wait as an upstream would before its next byte; past the read timeout httpx gives up."""
    if seconds <= 0:
        return
    limit = _read_timeout(request)
    if limit is not None and seconds > limit:
        time.sleep(limit)
        raise httpx.ReadTimeout("timed out waiting for the upstream", request=request)
    time.sleep(seconds)


def _events(request: httpx.Request, events: list[str], delay: float) -> Iterator[bytes]:
    for n, event in enumerate(events):
        if n and delay:
            _wait(request, delay)
        yield event.encode()


def _broken(request: httpx.Request, parts: list[str], *, stall: bool) -> Iterator[bytes]:
    """The first parts of a body, then the connection is cut (or goes silent until the read timeout)."""
    for part in parts:
        yield part.encode()
    if stall:
        _wait(request, float("inf") if _read_timeout(request) is not None else 0.0)
    raise httpx.RemoteProtocolError("peer closed connection without sending complete message body", request=request)
