"""Wire formats of the three upstreams: how to ask each one, and how to read its answer.

Only translation lives here (httpx.Request in, text and usage out); *when* to call which provider,
timeouts and failover are policy and live in fallback.py.

- `CloudflareGateway`: AI Gateway's unified endpoint `{gateway_url}/compat/chat/completions`, OpenAI format,
  model `workers-ai/@cf/...`, `cf-aig-*` headers.
- `WorkersAI`: `{api_base}/accounts/{id}/ai/run/{model}`, in Cloudflare's
  `{"result", "success", "errors"}` envelope.
- `OpenAICompatible`: `{base}/chat/completions` on any OpenAI-compatible server (Ollama, vLLM, ...).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from . import sse
from .config import GatewayConfig
from .metadata import metadata_header
from .upstream_errors import ProviderFailure, error_message, read_json


@dataclass(frozen=True)
class ChatRequest:
    """One request as every provider needs it; the gateway's cache key is derived from the same values."""

    tenant: str
    messages: list[dict]
    max_tokens: int
    temperature: float
    response_format: dict | None = None
    metadata: dict | None = None
    stream: bool = False
    cache_key: str | None = None
    cache_ttl: int = 0


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True)
class Reply:
    """A complete answer from one provider."""

    text: str
    usage: Usage | None


def to_usage(raw: Any) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    try:
        return Usage(int(raw.get("prompt_tokens") or 0), int(raw.get("completion_tokens") or 0))
    except (TypeError, ValueError):
        return None


def openai_response_format(fmt: dict) -> dict:
    """OpenAI wants `json_schema: {"name", "schema"}`; accept Workers AI's bare-schema form too."""
    schema = fmt.get("json_schema")
    if fmt.get("type") == "json_schema" and isinstance(schema, dict) and "schema" not in schema:
        return {"type": "json_schema", "json_schema": {"name": "response", "schema": schema}}
    return fmt


def workers_response_format(fmt: dict) -> dict:
    """Workers AI wants `json_schema: <the JSON Schema itself>`; unwrap OpenAI's form."""
    schema = fmt.get("json_schema")
    if fmt.get("type") == "json_schema" and isinstance(schema, dict) and "schema" in schema:
        return {"type": "json_schema", "json_schema": schema["schema"]}
    return fmt


class Provider:
    """Base of the three wire formats. `account` names whose quota a call spends."""

    name: str = ""
    account: str = ""
    model: str = ""

    def build(self, client: httpx.Client, req: ChatRequest, timeout: httpx.Timeout) -> httpx.Request:
        raise NotImplementedError

    def parse_reply(self, response: httpx.Response) -> Reply:
        raise NotImplementedError

    def parse_stream(self, lines: Iterator[str]) -> Iterator[str | Usage]:
        """Yield text deltas and the usage (if sent); raise ProviderFailure if the stream is cut short."""
        raise NotImplementedError

    def log_id(self, response: httpx.Response) -> str | None:
        return None

    def upstream_cache_hit(self, response: httpx.Response) -> bool:
        return False


class _OpenAIChat(Provider):
    """The OpenAI Chat Completions format shared by the gateway's compat endpoint and generic servers."""

    wire_model: str = ""

    def body(self, req: ChatRequest) -> dict:
        body: dict[str, Any] = {
            "model": self.wire_model,
            "messages": req.messages,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
        }
        if req.stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        elif req.response_format:
            body["response_format"] = openai_response_format(req.response_format)
        return body

    def parse_reply(self, response: httpx.Response) -> Reply:
        data = read_json(response)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ProviderFailure(f"no choices[0].message in the answer ({error_message(data)})") from None
        if not isinstance(content, str):
            raise ProviderFailure("choices[0].message.content is not text")
        return Reply(content, to_usage(data.get("usage")))

    def parse_stream(self, lines: Iterator[str]) -> Iterator[str | Usage]:
        for chunk in _chunks(lines):
            if "error" in chunk:
                raise ProviderFailure(f"error inside the stream: {error_message(chunk)}")
            # Usage may come on the last content chunk or on a separate chunk with empty choices.
            usage = to_usage(chunk.get("usage"))
            for choice in chunk.get("choices") or []:
                delta = (choice or {}).get("delta") or {}
                text = delta.get("content")
                if isinstance(text, str) and text:
                    yield text
            if usage is not None:
                yield usage


class CloudflareGateway(_OpenAIChat):
    name = "ai-gateway"

    def __init__(self, config: GatewayConfig) -> None:
        assert config.gateway_url
        self.url = f"{config.gateway_url}/compat/chat/completions"
        self.model = config.model.removeprefix("workers-ai/")
        # The compat endpoint routes on a provider prefix; Workers AI models need "workers-ai/".
        self.wire_model = f"workers-ai/{self.model}" if self.model.startswith(("@cf/", "@hf/")) else config.model
        # .../v1/{account}/{gateway}: the account whose Workers AI quota the gateway spends.
        parts = config.gateway_url.rstrip("/").split("/")
        self.account = f"cloudflare:{parts[-2] if len(parts) >= 2 else config.gateway_url}"
        self._headers = {"content-type": "application/json"}
        if config.gateway_token:
            self._headers["cf-aig-authorization"] = f"Bearer {config.gateway_token}"
        if config.api_token:
            self._headers["authorization"] = f"Bearer {config.api_token}"

    def build(self, client: httpx.Client, req: ChatRequest, timeout: httpx.Timeout) -> httpx.Request:
        headers = dict(self._headers)
        headers["cf-aig-metadata"] = metadata_header(req.tenant, req.metadata)
        if req.cache_ttl > 0 and req.cache_key:
            # Our key, not Cloudflare's default (which ignores the tenant): a tenant-scoped cache here
            # stays tenant-scoped in the gateway's cache too. Cloudflare's minimum TTL is 60 s.
            headers["cf-aig-cache-key"] = req.cache_key
            headers["cf-aig-cache-ttl"] = str(max(60, req.cache_ttl))
        else:
            headers["cf-aig-skip-cache"] = "true"
        return client.build_request("POST", self.url, json=self.body(req), headers=headers, timeout=timeout)

    def log_id(self, response: httpx.Response) -> str | None:
        return response.headers.get("cf-aig-log-id")

    def upstream_cache_hit(self, response: httpx.Response) -> bool:
        return response.headers.get("cf-aig-cache-status", "").upper() == "HIT"


class OpenAICompatible(_OpenAIChat):
    name = "openai-compatible"

    def __init__(self, config: GatewayConfig) -> None:
        assert config.openai_base_url
        base = config.openai_base_url.rstrip("/")
        self.url = f"{base}/chat/completions"
        self.account = f"openai:{base}"
        self.model = self.wire_model = config.openai_model or config.model
        self._headers = {"content-type": "application/json"}
        if config.openai_api_key:
            self._headers["authorization"] = f"Bearer {config.openai_api_key}"

    def build(self, client: httpx.Client, req: ChatRequest, timeout: httpx.Timeout) -> httpx.Request:
        return client.build_request("POST", self.url, json=self.body(req), headers=self._headers, timeout=timeout)


class WorkersAI(Provider):
    name = "workers-ai"

    def __init__(self, config: GatewayConfig) -> None:
        assert config.account_id and config.api_token
        self.model = config.model.removeprefix("workers-ai/")
        self.url = f"{config.api_base.rstrip('/')}/accounts/{config.account_id}/ai/run/{self.model}"
        self.account = f"cloudflare:{config.account_id}"
        self._headers = {"authorization": f"Bearer {config.api_token}", "content-type": "application/json"}

    def build(self, client: httpx.Client, req: ChatRequest, timeout: httpx.Timeout) -> httpx.Request:
        body: dict[str, Any] = {
            "messages": req.messages,
            "max_tokens": req.max_tokens,
            "temperature": req.temperature,
        }
        if req.stream:
            body["stream"] = True
        elif req.response_format:
            body["response_format"] = workers_response_format(req.response_format)
        return client.build_request("POST", self.url, json=body, headers=self._headers, timeout=timeout)

    def parse_reply(self, response: httpx.Response) -> Reply:
        data = read_json(response)
        if data.get("success") is False:
            raise ProviderFailure(f"success=false: {error_message(data)}")
        result = data.get("result")
        if not isinstance(result, dict) or "response" not in result:
            raise ProviderFailure("no result.response in the envelope")
        answer = result["response"]
        if isinstance(answer, dict | list):
            # JSON mode hands back the parsed object; callers always get text.
            answer = json.dumps(answer, ensure_ascii=False)
        if not isinstance(answer, str):
            raise ProviderFailure("result.response is neither text nor JSON")
        return Reply(answer, to_usage(result.get("usage")))

    def parse_stream(self, lines: Iterator[str]) -> Iterator[str | Usage]:
        for frame in _chunks(lines):
            if frame.get("errors") or "error" in frame:
                raise ProviderFailure(f"error inside the stream: {error_message(frame)}")
            text = frame.get("response")
            if isinstance(text, str) and text:
                yield text
            usage = to_usage(frame.get("usage"))
            if usage is not None:
                yield usage


def _chunks(lines: Iterator[str]) -> Iterator[dict]:
    """The JSON object of each event up to `[DONE]`; ProviderFailure for a malformed event, or for a
    stream that ends without `[DONE]` (truncated). Both wire formats end their streams this way."""
    for payload in sse.iter_data(lines):
        if payload.strip() == sse.DONE:
            return
        try:
            chunk = json.loads(payload)
        except ValueError:
            raise ProviderFailure("malformed JSON in a stream event") from None
        if not isinstance(chunk, dict):
            raise ProviderFailure("a stream event is not a JSON object")
        yield chunk
    raise ProviderFailure("stream ended without [DONE] (truncated)")


def build_providers(config: GatewayConfig) -> list[Provider]:
    """The configured providers in fallback order."""
    chain: list[Provider] = []
    if config.gateway_configured:
        chain.append(CloudflareGateway(config))
    if config.workers_ai_configured:
        chain.append(WorkersAI(config))
    if config.openai_configured:
        chain.append(OpenAICompatible(config))
    return chain
