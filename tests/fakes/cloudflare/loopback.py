"""FakeCloudflare: the fake providers as a real threaded HTTP server on 127.0.0.1 (port 0), for the tests that
need the real wire (sockets, chunked SSE, a TCP reset, a stalled connection) or another process (a
worker, gunicorn) reaching it. Every wait is interruptible, so stop() returns at once."""

from __future__ import annotations

import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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


class FakeCloudflare(CloudflareFake):
    def __init__(self, *, check_auth: bool = True) -> None:
        super().__init__(check_auth=check_auth)
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeCloudflare:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
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

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"


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

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        received = self.fake.receive(self.path, headers, raw)
        if isinstance(received[0], int):
            return self._json(*received)  # type: ignore[arg-type]
        recorded, behaviour = received
        self._perform(recorded, behaviour, recorded.body if isinstance(recorded.body, dict) else {})

    def _perform(self, recorded: Recorded, behaviour: Behaviour, body: dict) -> None:
        provider, stream = recorded.provider, bool(body.get("stream"))
        if isinstance(behaviour, Sleep):
            if self._wait(behaviour.seconds):
                return
            return self._perform(recorded, self.fake.then(provider, recorded, behaviour.then), body)
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
                text = reply_body(provider, reply, body)
                return self._send(200, text[: len(text) // 2], length=len(text), cut=True, stall=behaviour)
            return self._stream(provider, reply, body, stop_after=behaviour.after, stall=behaviour)
        if isinstance(behaviour, Reply):
            if self._wait(behaviour.latency):
                return
            if stream:
                return self._stream(provider, behaviour, body)
            return self._send(200, reply_body(provider, behaviour, body), headers=self.fake.meta(provider, behaviour))
        raise TypeError(f"Unknown behaviour {behaviour!r}")

    def _stream(self, provider: str, reply: Reply, body: dict, stop_after: int | None = None, stall: Any = None):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        for name, value in self.fake.meta(provider, reply).items():
            self.send_header(name, value)
        self.end_headers()
        for i, event in enumerate(stream_chunks(provider, reply)):
            if stop_after is not None and i >= stop_after:
                if isinstance(stall, Stall):
                    self._wait(stall.seconds)
                return self._cut()
            self._chunk(event)
            if reply.chunk_delay and self._wait(reply.chunk_delay):
                return
        for event in stream_end(provider, reply, body):
            self._chunk(event)
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
