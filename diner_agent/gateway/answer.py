"""Answer: what an upstream produced for one request, in the form the cache and followers share.

It is provider-independent (the cache key is too), carries the chunk sequence of a streamed answer so
a cache hit can replay it chunk by chunk, and round-trips through JSON for Redis.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace


@dataclass(frozen=True)
class Answer:
    text: str
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    usage_estimated: bool = False
    log_id: str | None = None
    upstream_cache_hit: bool = False
    fallback_step: int = 0
    upstream_ms: float = 0.0
    chunks: tuple[str, ...] | None = None
    retried: bool = False  # the provider was asked twice (it said "busy, retry after N s" within the deadline)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Answer:
        data = json.loads(raw)
        chunks = data.get("chunks")
        data["chunks"] = tuple(chunks) if chunks is not None else None
        return cls(**data)

    def for_cache(self) -> Answer:
        """Drop what belongs to the original call only (its log id and timing)."""
        return replace(self, log_id=None, upstream_ms=0.0, fallback_step=0, upstream_cache_hit=False, retried=False)
