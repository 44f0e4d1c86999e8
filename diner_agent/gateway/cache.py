"""Response cache: identical requests within `cache_ttl` seconds are answered without an upstream call.

The key is a SHA-256 over the request content that decides the answer, independent of which provider
serves it (canonical JSON of messages, model, response_format, max_tokens, temperature, stream flag),
plus the tenant id when the scope is "tenant": by default one diner never sees another's answers,
which is exactly what users of shared-key gateways complain about (research/gateways.md section 3).

A caller whose system prompt is rebuilt per request from state it can name (the web chat: the diner's
menu at one version, plus a clock line stamped to the minute) passes that name as `context`: the key
is then built from the context and the conversation *without* the system messages, so the clock line
no longer splits the cache and an answer is reused for the whole TTL, until the menu changes.

Two stores with one interface: `MemoryCache` (bounded LRU, per process) and `RedisCache` (shared by all
workers; Redis expires the entries).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from typing import Protocol

import redis

from diner_agent.clock import Clock

from .answer import Answer

log = logging.getLogger(__name__)

KEY_VERSION = "v2"


def cache_key(
    *,
    tenant: str,
    scope: str,
    model: str,
    messages: list[dict],
    response_format: dict | None,
    max_tokens: int,
    temperature: float,
    stream: bool,
    context: str | None = None,
) -> str:
    """The hex SHA-256 of the canonical request; dict key order and JSON spacing do not matter."""
    if context is not None:
        messages = [m for m in messages if m.get("role") != "system"]
    content = {
        "v": KEY_VERSION,
        "context": context,
        "model": model,
        "messages": messages,
        "response_format": response_format,
        "max_tokens": max_tokens,
        "temperature": float(temperature),
        "stream": bool(stream),
        "tenant": tenant if scope == "tenant" else None,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache(Protocol):
    def get(self, key: str) -> Answer | None: ...

    def put(self, key: str, answer: Answer, ttl: int) -> None: ...


class NoCache:
    """Used when cache_ttl is 0."""

    def get(self, key: str) -> Answer | None:
        return None

    def put(self, key: str, answer: Answer, ttl: int) -> None:
        return None


class MemoryCache:
    """A thread-safe LRU with per-entry expiry, bounded to `max_entries`."""

    def __init__(self, clock: Clock, max_entries: int = 10_000) -> None:
        self._clock = clock
        self._max = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, Answer]] = OrderedDict()

    def get(self, key: str) -> Answer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, answer = entry
            if expires <= self._clock.monotonic():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return answer

    def put(self, key: str, answer: Answer, ttl: int) -> None:
        if ttl <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock.monotonic() + ttl, answer)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class RedisCache:
    """Entries as JSON strings under `{prefix}:cache:{key}`, expired by Redis itself.

    A cache must never be the reason a call fails: when Redis is unreachable, reads miss and writes
    are dropped (with a warning).
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = f"{prefix}:cache:"

    def get(self, key: str) -> Answer | None:
        try:
            raw = self._redis.get(self._prefix + key)
        except redis.RedisError as exc:
            log.warning("AI response cache unavailable, treating as a miss: %s", type(exc).__name__)
            return None
        if raw is None:
            return None
        try:
            return Answer.from_json(raw)
        except (ValueError, TypeError):
            return None  # an entry written by an incompatible version: treat as a miss

    def put(self, key: str, answer: Answer, ttl: int) -> None:
        if ttl <= 0:
            return
        try:
            self._redis.set(self._prefix + key, answer.to_json(), ex=ttl)
        except redis.RedisError as exc:
            log.warning("AI response cache unavailable, answer not stored: %s", type(exc).__name__)
