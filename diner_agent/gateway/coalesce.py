"""Single-flight: identical concurrent requests share one upstream call.

Cloudflare's own cache is "volatile" for simultaneous identical requests (both reach the provider), and
no peer gateway coalesces (research/gateways.md section 4), so we do. The first caller for a cache key
leads; later callers with the same key follow, spend no quota and get the leader's Answer, or its error.

In one process that is a dict of `Flight`s. With Redis, leaders of different processes also agree:
`SET key token NX PX` elects one, the others poll for `result:{token}`, where the leader publishes
its Answer (or error) for a few seconds. If the leader vanishes (its lock expires or is released
with no result), followers start over and one of them leads.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass

import redis

from diner_agent.clock import Clock

from .answer import Answer
from .errors import BadResponse, GatewayError, RateLimited, Unavailable


class LeaderGone(Exception):
    """The leader ended without an answer its followers can use; they should start over."""


class Flight:
    """One in-flight request that identical requests wait for."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self._answer: Answer | None = None
        self._error: BaseException | None = None

    def land(self, answer: Answer | None, error: BaseException | None) -> None:
        self._answer, self._error = answer, error
        self._done.set()

    def wait(self, timeout: float) -> Answer:
        """The leader's Answer; re-raises its error. TimeoutError if it takes longer than `timeout`."""
        if not self._done.wait(max(0.0, timeout)):
            raise TimeoutError
        if self._error is not None:
            raise self._error
        if self._answer is None:
            raise LeaderGone
        return self._answer


class LocalFlights:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[str, Flight] = {}

    def join(self, key: str) -> tuple[Flight, bool]:
        """Return the flight for `key` and whether the caller leads it."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = self._flights[key] = Flight()
            return flight, True

    def land(self, key: str, flight: Flight, answer: Answer | None = None, error: BaseException | None = None) -> None:
        """End the flight. `answer=None, error=None` tells followers to start over."""
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight.land(answer, error)


# Publish the outcome (if any) and delete the lock only if it is still ours (it may have expired and
# been taken by another leader); one round trip.
_LAND = """
if ARGV[2] ~= '' then redis.call('set', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


@dataclass(frozen=True)
class RemoteLead:
    key: str
    token: str


class RedisFlights:
    """Cross-process single-flight over Redis (see module docstring)."""

    RESULT_TTL = 15  # seconds a published result stays readable for late pollers

    def __init__(self, client: redis.Redis, prefix: str, lock_ttl: float, clock: Clock) -> None:
        self._clock = clock
        self._redis = client
        self._prefix = f"{prefix}:flight:"
        self._lock_ms = max(1000, int(lock_ttl * 1000))
        self._land = client.register_script(_LAND)
        # Locks whose SET timed out: Redis may still have applied it (a frozen server reads its socket
        # when it wakes), which would leave a leader nobody is, so they are released when Redis is back.
        self._orphans: list[tuple[str, str]] = []
        self._orphans_lock = threading.Lock()

    def _release_orphans(self) -> None:
        with self._orphans_lock:
            orphans, self._orphans = self._orphans, []
        for number, (lock, token) in enumerate(orphans):
            try:
                self._land(keys=[lock, f"{self._prefix}result:{token}"], args=[token, "", self.RESULT_TTL])
            except redis.RedisError:
                with self._orphans_lock:
                    self._orphans.extend(orphans[number:])
                raise

    def join(self, key: str) -> tuple[str, bool]:
        """Return (token, leads?). A follower gets the leader's token to poll for."""
        if self._orphans:
            self._release_orphans()
        lock = self._prefix + key
        token = uuid.uuid4().hex
        for _ in range(3):
            try:
                taken = self._redis.set(lock, token, nx=True, px=self._lock_ms)
            except redis.RedisError:
                with self._orphans_lock:
                    self._orphans.append((lock, token))
                raise
            if taken:
                return token, True
            current = self._redis.get(lock)
            if current is not None:
                return current.decode() if isinstance(current, bytes) else str(current), False
        return token, True  # the lock keeps flickering: go it alone rather than spin

    def wait(self, key: str, token: str, deadline: float) -> Answer:
        """Poll for the leader's result until `deadline` (clock.monotonic()); TimeoutError after it."""
        lock, result = self._prefix + key, f"{self._prefix}result:{token}"
        pause = 0.005
        while True:
            raw = self._redis.get(result)
            if raw is None:
                holder = self._redis.get(lock)
                if holder is None or holder.decode() != token:
                    raw = self._redis.get(result)  # the leader may have published just before letting go
                    if raw is None:
                        raise LeaderGone
            if raw is not None:
                return _load_outcome(raw)
            if self._clock.monotonic() + pause > deadline:
                raise TimeoutError
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def land(self, key: str, token: str, answer: Answer | None, error: BaseException | None) -> None:
        shared = answer is not None or isinstance(error, GatewayError)
        outcome = _dump_outcome(answer, error) if shared else ""
        try:
            self._land(
                keys=[self._prefix + key, f"{self._prefix}result:{token}"], args=[token, outcome, self.RESULT_TTL]
            )
        except redis.RedisError:
            with self._orphans_lock:
                self._orphans.append((self._prefix + key, token))
            raise


def _dump_outcome(answer: Answer | None, error: BaseException | None) -> str:
    if answer is not None:
        return json.dumps({"answer": json.loads(answer.to_json())})
    data: dict = {"error": type(error).__name__, "message": str(error)}
    if isinstance(error, RateLimited):
        data.update(retry_after=error.retry_after, scope=error.scope, code=error.code, provider=error.provider)
    if isinstance(error, Unavailable):
        data["reasons"] = error.reasons
    return json.dumps(data)


def _load_outcome(raw: bytes | str) -> Answer:
    """Return the published Answer, or raise the published error as the same kind of GatewayError."""
    data = json.loads(raw)
    if "answer" in data:
        return Answer.from_json(json.dumps(data["answer"]))
    kind, message = data.get("error"), data.get("message", "")
    if kind == "RateLimited":
        raise RateLimited(data["retry_after"], data["scope"], data.get("code"), message, provider=data.get("provider"))
    if kind in ("Unavailable", "NotConfigured"):
        raise Unavailable(message, data.get("reasons"))
    if kind in ("BadResponse", "StreamBroken"):
        raise LeaderGone  # a broken stream is the leader's alone; followers try for themselves
    raise BadResponse(message)


@dataclass(frozen=True)
class Ticket:
    """The outcome of joining: either the leader's `answer` (we followed), or the right to lead."""

    key: str
    answer: Answer | None = None
    flight: Flight | None = None
    remote_token: str | None = None

    @property
    def leads(self) -> bool:
        return self.answer is None


class Coalescer:
    """Local single-flight first, then (with Redis) across processes; `exit` lands both."""

    def __init__(self, local: LocalFlights, remote: RedisFlights | None, clock: Clock) -> None:
        self._local = local
        self._remote = remote
        self._clock = clock

    def enter(self, key: str, wait_until: float, *, alone_on_timeout: bool) -> Ticket:
        """Follow an identical call in flight, or lead one.

        A follower waits until `wait_until` (clock time). Then, with `alone_on_timeout`, it stops
        waiting and makes its own call (streams: a slow reader must not hold others hostage);
        otherwise it raises Unavailable.
        """
        while True:
            flight, leads = self._local.join(key)
            if leads:
                break
            try:
                return Ticket(key, answer=flight.wait(wait_until - self._clock.monotonic()))
            except LeaderGone:
                continue
            except TimeoutError:
                if alone_on_timeout:
                    return Ticket(key)
                raise Unavailable("Timed out waiting for an identical request already in flight.") from None
        if self._remote is None:
            return Ticket(key, flight=flight)
        try:
            return self._enter_remote(key, flight, wait_until, alone_on_timeout)
        except redis.RedisError:
            return Ticket(key, flight=flight)  # coalescing is an optimisation; without Redis, lead alone
        except BaseException as exc:
            self._local.land(key, flight, error=exc if isinstance(exc, GatewayError) else None)
            raise

    def _enter_remote(self, key: str, flight: Flight, wait_until: float, alone_on_timeout: bool) -> Ticket:
        assert self._remote is not None
        while True:
            token, leads = self._remote.join(key)
            if leads:
                return Ticket(key, flight=flight, remote_token=token)
            try:
                answer = self._remote.wait(key, token, wait_until)
            except LeaderGone:
                continue
            except TimeoutError:
                if alone_on_timeout:
                    return Ticket(key, flight=flight)
                raise Unavailable("Timed out waiting for an identical request already in flight.") from None
            self._local.land(key, flight, answer=answer)
            return Ticket(key, answer=answer)

    def exit(self, ticket: Ticket, answer: Answer | None = None, error: BaseException | None = None) -> None:
        """Hand the leader's outcome to its followers; `answer=error=None` makes them start over."""
        if ticket.remote_token is not None and self._remote is not None:
            try:
                self._remote.land(ticket.key, ticket.remote_token, answer, error)
            except redis.RedisError:
                pass  # followers elsewhere see the lock expire and start over
        if ticket.flight is not None:
            self._local.land(ticket.key, ticket.flight, answer, error)
