"""AIGateway.stream(): the same policy as complete() (cache, single-flight, the diner's limit and budget),
for answers handed out as they arrive.

The first event says how the answer is served (`cache`: hit, coalesced or miss; the `provider`; the
diner's rate window), so a channel can set its response headers before the first byte of text.
"""

from __future__ import annotations

from collections.abc import Iterator

from .admission import Admitted
from .answer import Answer
from .coalesce import Ticket
from .completion import StreamEvent
from .errors import GatewayError, NotConfigured
from .fallback import Delta
from .policy import Effective, TenantPolicy, effective
from .pricing import estimate_prompt_tokens, estimate_tokens
from .providers import ChatRequest
from .rate_limit import RateInfo
from .recording import Call


class Streaming:
    """Mixed into AIGateway; uses its cache, flights, admission, chain and recorder."""

    def stream(
        self,
        tenant: str,
        messages: list[dict],
        *,
        max_tokens: int = 512,
        temperature: float = 0.6,
        metadata: dict | None = None,
        deadline: float | None = None,
        policy: TenantPolicy | None = None,
        cache_context: str | None = None,
        use_cache: bool = True,
    ) -> Iterator[StreamEvent]:
        """Stream an answer: text events, then one `done` event carrying the Completion.

        Nothing happens until the first next(). Errors before any text raise like complete() does; a
        stream that breaks after text was yielded raises BadResponse (it cannot be retried unseen).
        JSON mode is never streamed, so there is no response_format here.
        """
        call = Call(tenant, streamed=True, started=self._clock.monotonic())
        pol = effective(self.config, policy)
        req = self._request(tenant, messages, None, max_tokens, temperature, metadata, True, pol, cache_context)
        start_by = self._deadline(call.started, deadline)
        use_cache = use_cache and pol.cache_ttl > 0
        try:
            if not self._providers:
                raise NotConfigured()
            hit = self._cache.get(req.cache_key) if use_cache else None
            ticket = None if hit is not None else self._flights.enter(req.cache_key, start_by, alone_on_timeout=True)
        except GatewayError as exc:
            self._rec.failed(call, exc)
            raise
        if hit is not None:
            yield from self._replay(call, hit, self._admission.status(tenant, pol), cache_hit=True)
        elif not ticket.leads:
            yield from self._replay(call, ticket.answer, self._admission.status(tenant, pol), coalesced=True)
        else:
            yield from self._lead_stream(call, req, pol, ticket, start_by, deadline, use_cache)

    def _lead_stream(
        self,
        call: Call,
        req: ChatRequest,
        pol: Effective,
        ticket: Ticket,
        start_by: float,
        deadline: float | None,
        use_cache: bool,
    ) -> Iterator[StreamEvent]:
        sent: list[Delta] = []
        landed = False
        admitted: Admitted | None = None
        try:
            cached = self._cache.get(req.cache_key) if use_cache else None
            if cached is not None:
                self._flights.exit(ticket, answer=cached)
                landed = True
                yield from self._replay(call, cached, self._admission.status(req.tenant, pol), cache_hit=True)
                return
            admitted = self._admission.admit(req, pol, start_by)
            for item in self._chain.stream(req, start_by, deadline):
                if isinstance(item, Delta):
                    first = not sent
                    sent.append(item)
                    if first:
                        yield StreamEvent(item.text, cache="miss", provider=item.provider, rate=admitted.rate)
                    else:
                        yield StreamEvent(item.text)
                    continue
                # Only a stream that completed cleanly is cached and shared.
                self._admission.settle(admitted, item)
                admitted = None
                self._cache.put(req.cache_key, item.for_cache(), pol.cache_ttl)
                self._flights.exit(ticket, answer=item)
                landed = True
                yield StreamEvent("", done=True, completion=self._rec.done(call, item, rate=None))
        except GatewayError as exc:
            partial = getattr(exc, "partial", None)
            self._admission.settle(admitted, partial)
            admitted = None
            if not landed:
                self._flights.exit(ticket, error=self._shareable(exc))
                landed = True
            self._rec.failed(call, exc)
            raise
        except GeneratorExit:
            partial = None
            if sent and not landed:
                last = sent[-1]
                text = "".join(d.text for d in sent)
                partial = Answer(
                    text,
                    last.provider,
                    last.model,
                    estimate_prompt_tokens(req.messages),
                    estimate_tokens(text),
                    True,
                    chunks=tuple(d.text for d in sent),
                )
                self._rec.record(call, partial, status="cancelled", error="The caller stopped reading the stream.")
            self._admission.settle(admitted, partial)
            admitted = None
            raise
        finally:
            self._admission.settle(admitted, None)  # anything not settled above (an unexpected error)
            if not landed:
                self._flights.exit(ticket)  # followers start over

    def _replay(
        self, call: Call, answer: Answer, rate: RateInfo | None, *, cache_hit: bool = False, coalesced: bool = False
    ) -> Iterator[StreamEvent]:
        """Yield a stored answer chunk by chunk, as it was first streamed."""
        cache = "hit" if cache_hit else "coalesced"
        try:
            for i, chunk in enumerate(answer.chunks if answer.chunks is not None else (answer.text,)):
                if i == 0:
                    yield StreamEvent(chunk, cache=cache, provider=answer.provider, rate=rate)
                else:
                    yield StreamEvent(chunk)
        except GeneratorExit:
            self._rec.record(call, answer, status="cancelled", cache_hit=cache_hit, coalesced=coalesced, free=True)
            raise
        done = self._rec.done(call, answer, cache_hit=cache_hit, coalesced=coalesced, rate=rate)
        yield StreamEvent("", done=True, completion=done)
