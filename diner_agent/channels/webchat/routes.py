"""The web chat (DESIGN 4.4): `POST /api/chat` and `POST /v1/chat/completions` speak OpenAI's Chat
Completions format, so the official SDKs and OpenAI-compatible UIs work with `base_url=<host>/v1`;
`GET /v1/models` lists the one model; `GET /chat` is a small chat page of our own.

The channel's jobs: have the command service find the diner by the bearer token (only its hash is
stored; the token itself is never logged), validate the request against our limits, let the command
layer's ChatAnswerer decide what to say, and render that as one `chat.completion` or as
`chat.completion.chunk` server-sent events, flushed as they arrive.

On `/v1` the endpoint follows OpenAI's conventions, so the official SDKs' retry logic works: a call a rate
limit refused answers 429 with OpenAI's error body and `Retry-After`, one over the diner's AI budget 429
`insufficient_quota` (with `x-should-retry: false`: it will not pass before the period ends). `/api/chat`
(the `/chat` page) keeps the friendly sentences instead. Every answer carries the diner's window in
`x-ratelimit-{limit,remaining,reset}-requests` and what the gateway did in `x-diner-cache`
(hit | miss | coalesced), `x-diner-provider` and (non-streamed) `x-diner-cost-usd`; a request with
`Cache-Control: no-cache` is answered fresh (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import random
import re
from collections.abc import Iterable, Iterator

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from diner_agent import log_context
from diner_agent.channels.webchat.admission import ChatAdmission
from diner_agent.channels.webchat.openai_wire import (
    ChatRequestError,
    chunk_body,
    completion_body,
    error_body,
    models_body,
    read_request,
    sse,
    usage_body,
)
from diner_agent.clock import Clock
from diner_agent.commands.addressing import Addressed, Message
from diner_agent.commands.chat.answers import CUT_OFF_NOTE, ChatAnswerer, End, Event, Refused, Served, Text
from diner_agent.commands.language_model import CallFacts
from diner_agent.commands.service import CommandService

log = logging.getLogger(__name__)
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,128}")
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def webchat_blueprint(
    service: CommandService, answerer: ChatAnswerer, clock: Clock, admission: ChatAdmission | None = None
) -> Blueprint:
    """The chat endpoints; the answerer decides what the chat says; `admission` caps how many run at once."""
    admission = admission or ChatAdmission()
    bp = Blueprint(
        "webchat", __name__, template_folder="templates", static_folder="static", static_url_path="/chat/static"
    )

    def sender_or_refusal() -> Addressed | Response:
        auth = request.authorization
        token = auth.token if auth is not None and auth.type == "bearer" else None
        # The token names a person and their role; the service finds both (and the diner) from it.
        addressed = service.address(Message("web", token, "", "")) if token else None
        if addressed is None:
            log.info("web chat: refused a request %s", "with an unknown token" if token else "without a token")
            return _refuse(
                "Missing or invalid bearer token. Send 'Authorization: Bearer <token>' with the token from "
                "`diner-agent tenants token <diner-id>`."
            )
        log_context.bind(channel="web", tenant=addressed.tenant.id)
        claimed = request.headers.get("X-Tenant-ID")
        if claimed is not None and claimed.strip() != addressed.tenant.id:
            log.info("web chat: refused a request whose X-Tenant-ID does not match its token")
            return _refuse("X-Tenant-ID does not match the diner this token belongs to.")
        return addressed

    @bp.post("/api/chat")
    @bp.post("/v1/chat/completions")
    def chat_completions() -> Response:
        sender = sender_or_refusal()
        if isinstance(sender, Response):
            return sender
        try:
            chat = read_request(request.get_json(force=True, silent=True))
        except ChatRequestError as exc:
            return _error(400, exc.message, "invalid_request_error", exc.param, exc.code)
        except RequestEntityTooLarge:
            return _error(413, "The request body is too large.", "invalid_request_error")
        except RecursionError:  # silent=True covers ValueError only; deep nesting overflows the JSON decoder
            return _error(400, "The request body is nested too deeply.", "invalid_request_error")
        tenant_id = sender.tenant.id
        if not admission.enter(tenant_id):
            busy = _error(429, "Busy: too many chat answers are running; retry in a moment.", "requests", None, "busy")
            busy.headers["Retry-After"] = "1"
            return busy
        streaming = False  # a stream gives its slot back when it ends; anything else when it returns
        try:
            response = _answer(sender, chat, tenant_id)
            streaming = isinstance(response.response, _Releasing)
            return response
        finally:
            if not streaming:
                admission.leave(tenant_id)

    def _answer(sender: Addressed, chat, tenant_id: str) -> Response:  # type: ignore[no-untyped-def]
        message_id = _message_id(tenant_id, request.headers.get("Idempotency-Key"))
        events = answerer.answer(
            sender.saying(chat.messages[-1]["content"], message_id),
            chat.messages,
            stream=chat.stream,
            max_tokens=chat.max_tokens,
            temperature=chat.temperature,
            openai_errors=request.path.startswith("/v1/"),
            use_cache="no-cache" not in request.headers.get("Cache-Control", "").lower(),
        )
        facts, first = _head(events)  # a stream's first text has arrived (or it was refused) by now
        if isinstance(first, Refused):
            return _refused(first, facts)
        completion_id = f"chatcmpl-{random.getrandbits(96):024x}"  # an id, not a secret: no urandom per call
        created = int(clock.now().timestamp())
        if chat.stream:
            rest = itertools.chain([first] if first is not None else [], events)
            body = _Releasing(
                _server_sent(rest, events, completion_id, created, include_usage=chat.include_usage),
                lambda: admission.leave(tenant_id),
            )
            response = Response(
                body,
                content_type="text/event-stream; charset=utf-8",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
            return _with_facts(response, facts)
        text, end = _collect(itertools.chain([first] if first is not None else [], events))
        usage = usage_body(end.prompt_tokens, end.completion_tokens)
        return _with_facts(jsonify(completion_body(completion_id, created, text, end.finish_reason, usage)), facts)

    @bp.get("/v1/models")
    def models() -> Response:
        sender = sender_or_refusal()
        if isinstance(sender, Response):
            return sender
        return jsonify(models_body(int(clock.now().timestamp())))

    @bp.get("/chat")
    def page() -> Response:
        response = Response(render_template("chat.html"), content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = _PAGE_POLICY
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return bp


def _head(events: Iterator[Event]) -> tuple[CallFacts | None, Event | None]:
    """The facts the answer starts with, and its first other event (None when there is none)."""
    facts = None
    for event in events:
        if isinstance(event, Served):
            facts = event.facts
            continue
        return facts, event
    return facts, None


def _with_facts(response: Response, facts: CallFacts | None) -> Response:
    if facts is None:
        return response
    headers = response.headers
    if facts.limit is not None:
        headers["x-ratelimit-limit-requests"] = str(facts.limit)
        headers["x-ratelimit-remaining-requests"] = str(max(0, facts.remaining or 0))
        headers["x-ratelimit-reset-requests"] = _duration(facts.reset_after or 0.0)
    if facts.cache is not None:
        headers["x-diner-cache"] = facts.cache
    if facts.provider is not None:
        headers["x-diner-provider"] = facts.provider
    if facts.cost_usd is not None:
        headers["x-diner-cost-usd"] = f"{facts.cost_usd:.9f}"
    return response


def _duration(seconds: float) -> str:
    """OpenAI's form for x-ratelimit-reset-*: "20ms", "1s", "6m0s"."""
    if 0 < seconds < 1:
        return f"{math.ceil(seconds * 1000)}ms"
    minutes, rest = divmod(math.ceil(seconds), 60)
    return f"{minutes}m{rest}s" if minutes else f"{rest}s"


def _refused(refusal: Refused, facts: CallFacts | None) -> Response:
    """429 in OpenAI's shape: `rate_limit_exceeded` (retry after Retry-After) or `insufficient_quota`."""
    wait = max(1, math.ceil(refusal.retry_after))
    if refusal.kind == "over_budget":
        response = _error(429, refusal.message, "insufficient_quota", None, "insufficient_quota")
        response.headers["x-should-retry"] = "false"  # not before the budget's period ends
    else:
        response = _error(429, refusal.message, "requests", None, "rate_limit_exceeded")
        response.headers["retry-after-ms"] = str(math.ceil(refusal.retry_after * 1000))
        facts = refusal.facts or facts
    response.headers["Retry-After"] = str(wait)
    return _with_facts(response, facts)


def _server_sent(
    events: Iterable[Event], source: Iterator[Event], completion_id: str, created: int, *, include_usage: bool
) -> Iterator[str]:
    """The SSE body: a role chunk, the text chunks, a finish chunk, the usage chunk if asked, [DONE]."""
    end = End()
    try:
        yield sse(chunk_body(completion_id, created, {"role": "assistant", "content": ""}))
        try:
            for event in events:
                if isinstance(event, Text):
                    yield sse(chunk_body(completion_id, created, {"content": event.delta}))
                elif isinstance(event, End):
                    end = event
        except Exception:  # headers are sent: the stream can only be ended cleanly, with a note
            log.exception("web chat: the answer failed while streaming")
            yield sse(chunk_body(completion_id, created, {"content": CUT_OFF_NOTE}))
        yield sse(chunk_body(completion_id, created, {}, end.finish_reason))
        if include_usage:
            usage = usage_body(end.prompt_tokens, end.completion_tokens)
            yield sse(chunk_body(completion_id, created, {}, usage=usage))
        yield sse("[DONE]")
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()  # a reader that hung up cancels the upstream call too


class _Releasing:
    """`body`, then `release()` once it is done or abandoned (the WSGI server closes the response body
    when the client hangs up, even before the first chunk, when a generator's own `finally` never runs)."""

    def __init__(self, body: Iterator[str], release) -> None:  # type: ignore[no-untyped-def]
        self._body = body
        self._release = release

    def __iter__(self) -> _Releasing:
        return self

    def __next__(self) -> str:
        try:
            return next(self._body)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            self._body.close()  # type: ignore[attr-defined]
            release()


def _collect(events: Iterable[Event]) -> tuple[str, End]:
    parts, end = [], End()
    for event in events:
        if isinstance(event, Text):
            parts.append(event.delta)
        elif isinstance(event, End):
            end = event
    return "".join(parts), end


def _message_id(tenant_id: str, key: str | None) -> str | None:
    """A client's Idempotency-Key, scoped to the diner: a retried command is answered, not applied again."""
    if key is None or not _IDEMPOTENCY_KEY.fullmatch(key):
        return None
    return "chat-" + hashlib.sha256(f"{tenant_id}\n{key}".encode()).hexdigest()[:48]


def _error(status: int, message: str, kind: str, param: str | None = None, code: str | None = None) -> Response:
    response = jsonify(error_body(message, kind, param, code))
    response.status_code = status
    return response


def _refuse(message: str) -> Response:
    response = _error(401, message, "invalid_request_error", None, "invalid_api_key")
    response.headers["WWW-Authenticate"] = 'Bearer realm="diner-agent chat"'
    return response
