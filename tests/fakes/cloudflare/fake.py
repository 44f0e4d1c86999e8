"""What both Cloudflare fakes share: the scripts, the requests they recorded, the credentials they check, the
settings that point a gateway at them, and the bodies each provider answers with (JSON, or SSE frames).
The loopback server (loopback.py) and the MockTransport (transport.py) only differ in how they deliver."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from tests.fakes.cloudflare.script import GATEWAY, OPENAI, ROUTES, WORKERS_AI, Behaviour, Recorded, Reply, Script

NO_ROUTE = {"success": False, "errors": [{"code": 7003, "message": "No route"}]}
UNKNOWN_ACCOUNT = {"success": False, "errors": [{"code": 7003, "message": "Unknown account"}]}
UNAUTHORISED = {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}


class CloudflareFake:
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
        self.scripts = {GATEWAY: self.gateway, WORKERS_AI: self.workers_ai, OPENAI: self.openai}
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._log_ids = 0

    @property
    def url(self) -> str:
        raise NotImplementedError

    # addresses
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
        for script in self.scripts.values():
            script.reset()

    # receiving a request
    def receive(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[Recorded, Behaviour] | tuple[int, dict]:
        """(the recorded request, what to do) for one POST, or (status, JSON body) to answer at once:
        an unknown route or account (not recorded), or a failed credential check (recorded)."""
        for provider, pattern in ROUTES:
            match = pattern.match(path)
            if match:
                break
        else:
            return 404, NO_ROUTE
        if match.groupdict().get("account", self.account_id) != self.account_id:
            return 404, UNKNOWN_ACCOUNT
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        recorded = Recorded(provider, "POST", path, headers, body, raw)
        with self._lock:
            self._requests.append(recorded)
        behaviour = self.scripts[provider].take(recorded)
        if not self._authorised(provider, headers):
            return 401, UNAUTHORISED
        return recorded, behaviour

    def then(self, provider: str, recorded: Recorded, then: Behaviour | None) -> Behaviour:
        """What a Sleep does afterwards: its own `then`, else the provider's default."""
        behaviour = then or self.scripts[provider]._default
        return behaviour(recorded) if callable(behaviour) else behaviour

    def next_log_id(self) -> str:
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

    # answering
    def meta(self, provider: str, reply: Reply) -> dict[str, str]:
        headers = {}
        if provider == GATEWAY:
            headers = {"cf-aig-log-id": self.next_log_id(), "cf-aig-cache-status": "MISS"}
        headers.update(reply.headers)
        return headers


def text_of(provider: str, reply: Reply) -> str:
    if reply.json is not None:
        return json.dumps(reply.json)
    return reply.text if reply.text is not None else f"Hello from {provider}."


def usage_of(reply: Reply, text: str) -> dict | None:
    if reply.usage == "auto":
        return {"prompt_tokens": 12, "completion_tokens": max(1, len(text) // 4), "total_tokens": 0}
    return reply.usage  # type: ignore[return-value]


def reply_body(provider: str, reply: Reply, body: dict) -> str:
    """A whole (non-streamed) answer in the provider's format."""
    text = text_of(provider, reply)
    usage = usage_of(reply, text)
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


def stream_chunks(provider: str, reply: Reply) -> list[str]:
    """The SSE events of the answer's text, one per chunk (without the usage and [DONE] that end it)."""
    text = text_of(provider, reply)
    chunks = list(reply.chunks) if reply.chunks is not None else re.findall(r"\S+\s*|\s+", text)
    events = []
    for chunk in chunks:
        frame = (
            {"response": chunk}
            if provider == WORKERS_AI
            else {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": chunk}}]}
        )
        events.append(f"data: {json.dumps(frame)}\n\n")
    return events


def stream_end(provider: str, reply: Reply, body: dict) -> list[str]:
    """The events after the text: usage (Workers AI always, OpenAI format when asked) and [DONE]."""
    usage = usage_of(reply, text_of(provider, reply))
    wants_usage = provider == WORKERS_AI or (body.get("stream_options") or {}).get("include_usage")
    events = []
    if usage is not None and wants_usage:
        frame = (
            {"response": "", "usage": usage}
            if provider == WORKERS_AI
            else {"object": "chat.completion.chunk", "choices": [], "usage": usage}
        )
        events.append(f"data: {json.dumps(frame)}\n\n")
    return [*events, "data: [DONE]\n\n"]
