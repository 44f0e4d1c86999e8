"""The OpenAI Chat Completions wire format, as far as the web chat speaks it: reading a request (with our
limits) and writing `chat.completion` objects, `chat.completion.chunk` SSE events and error bodies.

Only shapes live here; what the assistant says is decided in chat_answer.py. The shapes follow OpenAI's
API reference closely enough that the official SDK and OpenAI-compatible UIs parse them unchanged.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

MODEL_ID = "diner-agent"  # the one model this endpoint offers; the upstream model shows on the dashboard
MAX_MESSAGES = 50
MAX_MESSAGE_CHARS = 4_000
MAX_TOTAL_CHARS = 32_000
MAX_TOKENS_CAP = 1_024
DEFAULT_MAX_TOKENS = 512
DEFAULT_TEMPERATURE = 0.3  # an assistant that reports the menu should not be creative about it
ROLES = ("system", "user", "assistant")


class ChatRequestError(ValueError):
    """A request we refuse with 400; `param` names the offending field the way OpenAI does."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


@dataclass(frozen=True)
class ChatRequest:
    """A validated request: every message content is a plain string by now."""

    messages: tuple[dict[str, str], ...]
    stream: bool = False
    include_usage: bool = False
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = DEFAULT_TEMPERATURE


def read_request(body: object) -> ChatRequest:
    """Validate a decoded JSON body; raise ChatRequestError with a sentence a developer can act on."""
    if not isinstance(body, dict):
        raise ChatRequestError("The request body must be a JSON object.")
    raw = body.get("messages")
    if not isinstance(raw, list) or not raw:
        raise ChatRequestError("'messages' must be a non-empty array of messages.", "messages")
    if len(raw) > MAX_MESSAGES:
        raise ChatRequestError(f"At most {MAX_MESSAGES} messages are accepted; got {len(raw)}.", "messages")
    messages = tuple(_message(m, i) for i, m in enumerate(raw))
    total = sum(len(m["content"]) for m in messages)
    if total > MAX_TOTAL_CHARS:
        raise ChatRequestError(
            f"The messages hold {total} characters; at most {MAX_TOTAL_CHARS} are accepted.", "messages"
        )
    if not any(m["role"] == "user" for m in messages):
        raise ChatRequestError("'messages' must contain at least one user message.", "messages")
    n = body.get("n", 1)
    if n not in (1, None):
        raise ChatRequestError("Only one choice (n=1) is supported.", "n")
    stream = _flag(body, "stream")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise ChatRequestError("'stream_options' must be an object.", "stream_options")
    return ChatRequest(
        messages=messages,
        stream=stream,
        include_usage=stream and bool(options.get("include_usage")),
        max_tokens=_max_tokens(body),
        temperature=_temperature(body),
    )


def _message(raw: object, index: int) -> dict[str, str]:
    where = f"messages[{index}]"
    if not isinstance(raw, dict):
        raise ChatRequestError(f"{where} must be an object with 'role' and 'content'.", where)
    role = raw.get("role")
    if role not in ROLES:
        raise ChatRequestError(f"{where}.role must be one of {', '.join(ROLES)}; got {role!r}.", f"{where}.role")
    content = raw.get("content")
    if isinstance(content, list):
        content = "\n".join(_text_part(part, f"{where}.content[{i}]") for i, part in enumerate(content))
    if not isinstance(content, str):
        raise ChatRequestError(f"{where}.content must be a string or a list of text parts.", f"{where}.content")
    if len(content) > MAX_MESSAGE_CHARS:
        raise ChatRequestError(
            f"{where}.content has {len(content)} characters; at most {MAX_MESSAGE_CHARS} are accepted.",
            f"{where}.content",
        )
    return {"role": role, "content": content}


def _text_part(part: object, where: str) -> str:
    if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
        return part["text"]
    raise ChatRequestError(f"{where} must be a text part ({{'type': 'text', 'text': ...}}); only text is read.", where)


def _flag(body: dict, name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ChatRequestError(f"'{name}' must be true or false.", name)
    return value


def _max_tokens(body: dict) -> int:
    """`max_completion_tokens` (current) or `max_tokens` (older clients), capped rather than refused."""
    for name in ("max_completion_tokens", "max_tokens"):
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ChatRequestError(f"'{name}' must be a positive integer.", name)
        return min(value, MAX_TOKENS_CAP)
    return DEFAULT_MAX_TOKENS


def _temperature(body: dict) -> float:
    value = body.get("temperature")
    if value is None:
        return DEFAULT_TEMPERATURE
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 2:
        raise ChatRequestError("'temperature' must be a number from 0 to 2.", "temperature")
    return float(value)


# --- responses -------------------------------------------------------------------------------------------


def error_body(message: str, kind: str, param: str | None = None, code: str | None = None) -> dict:
    """OpenAI's error object; `kind` is its `type` (invalid_request_error, authentication_error...)."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def usage_body(prompt_tokens: int, completion_tokens: int) -> dict:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion_body(completion_id: str, created: int, text: str, finish_reason: str, usage: dict) -> dict:
    """One non-streamed `chat.completion`."""
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": usage,
    }


def chunk_body(
    completion_id: str, created: int, delta: dict, finish_reason: str | None = None, *, usage: dict | None = None
) -> dict:
    """One `chat.completion.chunk`; with `usage` it is the final usage chunk, whose `choices` is empty."""
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
    body: dict = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL_ID,
        "choices": [] if usage is not None else [choice],
    }
    if usage is not None:
        body["usage"] = usage
    return body


def sse(data: dict | str) -> str:
    """One server-sent event; the stream ends with sse("[DONE]")."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"data: {payload}\n\n"


def models_body(created: int) -> dict:
    """`GET /v1/models`: OpenAI-compatible UIs list models before they let anyone chat."""
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": created, "owned_by": "diner-agent"}],
    }
