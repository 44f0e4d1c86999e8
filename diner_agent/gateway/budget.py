"""Per-diner spend caps, enforced before a model is called, exact across workers.

A call that may cost money first *reserves* its worst case (the prompt's estimated tokens plus
`max_tokens` of completion, at the model's price); the reservation is refused when what the diner has
spent plus what is reserved by calls still in flight plus this one would pass a budget. After the call
the reservation is *settled*: replaced by what the call really cost (usage from the provider, or the
estimate when it sent none). So no interleaving of workers can overspend, and a cheap answer leaves room
for the next call at once.

Amounts are integer nano-dollars. With Redis the check-and-reserve and the settle are one Lua script
each (atomic on the server); in memory one lock does the same for the threads of one process.

Alerts: when a period's settled spend first reaches 80 % or 100 % of its budget, the store says so
exactly once per diner and period (`SET NX` on an alert key), and the gateway hands a BudgetAlert to
its alert sink. A refused call means the budget is used up for all practical purposes (no room is left
for a call's worst case): it raises the 100 % alert, and the 80 % one if that had not fired yet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import redis

from .errors import GatewayError, Unavailable
from .policy import Effective

NANO = 1_000_000_000
THRESHOLDS = (80, 100)
PERIODS = ("day", "month")
DAY_TTL = 3 * 86_400  # keys outlive their period a little, then Redis forgets them
MONTH_TTL = 40 * 86_400
HOLD_TTL = 120  # a worker that died mid-call frees its reservation after this long


class BudgetExceeded(GatewayError):
    """The diner's daily or monthly AI budget is spent; nothing is called until `retry_after` seconds."""

    def __init__(self, tenant: str, period: str, budget_usd: float, spent_usd: float, retry_after: float) -> None:
        self.tenant, self.period = tenant, period
        self.budget_usd, self.spent_usd = budget_usd, spent_usd
        self.retry_after = max(1.0, retry_after)
        self.alerts: list[BudgetAlert] = []  # the alerts this refusal raised (80 %, 100 %), the first time only
        word = "daily" if period == "day" else "monthly"
        super().__init__(f"Tenant {tenant!r} has spent its {word} AI budget of ${budget_usd:g}.")


@dataclass(frozen=True, slots=True)
class BudgetAlert:
    """A diner's spend reached `threshold` % of its budget for one period (`period_key`: day or month)."""

    tenant: str
    period: str  # "day" | "month"
    period_key: str  # "2026-11-26" | "2026-11"
    threshold: int
    spent_usd: float
    budget_usd: float
    at: datetime

    def to_dict(self) -> dict:
        return {
            "tenant": self.tenant,
            "period": self.period,
            "period_key": self.period_key,
            "threshold": self.threshold,
            "spent_usd": self.spent_usd,
            "budget_usd": self.budget_usd,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation, to be settled exactly once."""

    tenant: str
    keys: tuple[str, str, str]  # day spent, month spent, the diner's in-flight reservations
    period_keys: tuple[str, str]
    budgets: tuple[int, int]  # nano-dollars, -1 = no cap for that period
    amount: int
    at: datetime


def nano(usd: float | None) -> int:
    return -1 if usd is None else round(usd * NANO)


class Budgets:
    """Reserve and settle against the diner's budgets (see module docstring)."""

    def __init__(self, client: redis.Redis | None, prefix: str) -> None:
        self._store: _MemoryStore | _RedisStore = _RedisStore(client) if client is not None else _MemoryStore()
        self._prefix = f"{prefix}:budget:"

    def reserve(self, tenant: str, policy: Effective, estimate_usd: float, now: datetime) -> Hold:
        """Reserve `estimate_usd`, or raise BudgetExceeded (with the alert its refusal raised, if new)."""
        local = now.astimezone(ZoneInfo(policy.timezone))
        day, month = local.date().isoformat(), local.strftime("%Y-%m")
        base = f"{self._prefix}{tenant}:"
        hold = Hold(
            tenant,
            (f"{base}d:{day}", f"{base}m:{month}", f"{base}held"),
            (day, month),
            (nano(policy.daily_budget_usd), nano(policy.monthly_budget_usd)),
            max(1, nano(estimate_usd)),
            now,
        )
        try:
            refused, spent, fresh = self._store.reserve(hold)  # fresh: the thresholds alerted for the first time
        except redis.RedisError as exc:
            raise Unavailable(f"The budget store is unreachable ({type(exc).__name__}).") from None
        if not refused:
            return hold
        index = refused - 1
        period, budget = PERIODS[index], hold.budgets[index] / NANO
        error = BudgetExceeded(tenant, period, budget, spent / NANO, _until_next(local, period))
        error.alerts = [self._alert(hold, index, threshold, spent) for threshold in fresh]
        raise error

    def settle(self, hold: Hold, actual_usd: float) -> list[BudgetAlert]:
        """Replace the reservation by what the call cost; returns the thresholds this settle crossed."""
        try:
            crossed = self._store.settle(hold, max(0, nano(actual_usd)))
        except redis.RedisError:
            return []  # the hold expires by itself; a lost settle only under-counts one call
        return [self._alert(hold, index, threshold, spent) for index, threshold, spent in crossed]

    def spent(self, tenant: str, policy: Effective, now: datetime) -> tuple[float, float]:
        """Settled spend today and this month (USD), in the diner's time zone."""
        local = now.astimezone(ZoneInfo(policy.timezone))
        base = f"{self._prefix}{tenant}:"
        day, month = self._store.read((f"{base}d:{local.date().isoformat()}", f"{base}m:{local.strftime('%Y-%m')}"))
        return day / NANO, month / NANO

    @staticmethod
    def _alert(hold: Hold, index: int, threshold: int, spent: int) -> BudgetAlert:
        return BudgetAlert(
            hold.tenant,
            PERIODS[index],
            hold.period_keys[index],
            threshold,
            spent / NANO,
            hold.budgets[index] / NANO,
            hold.at,
        )


def _until_next(local: datetime, period: str) -> float:
    if period == "day":
        start = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        start = (first + timedelta(days=32)).replace(day=1)
    return (start.astimezone(UTC) - local.astimezone(UTC)).total_seconds()  # real seconds, across a DST change


class _MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, int] = {}
        self._alerted: set[str] = set()

    def read(self, keys: tuple[str, str]) -> tuple[int, int]:
        with self._lock:
            return self._values.get(keys[0], 0), self._values.get(keys[1], 0)

    def reserve(self, hold: Hold) -> tuple[int, int, list[int]]:
        with self._lock:
            held = self._values.get(hold.keys[2], 0)
            for index in (0, 1):
                budget, spent = hold.budgets[index], self._values.get(hold.keys[index], 0)
                if budget >= 0 and spent + held + hold.amount > budget:
                    fresh = [t for t in THRESHOLDS if self._first(f"{hold.keys[index]}:alert:{t}")]
                    return index + 1, spent, fresh
            self._values[hold.keys[2]] = held + hold.amount
            return 0, 0, []

    def settle(self, hold: Hold, actual: int) -> list[tuple[int, int, int]]:
        crossed = []
        with self._lock:
            self._values[hold.keys[2]] = max(0, self._values.get(hold.keys[2], 0) - hold.amount)
            for index in (0, 1):
                spent = self._values[hold.keys[index]] = self._values.get(hold.keys[index], 0) + actual
                budget = hold.budgets[index]
                for threshold in THRESHOLDS:
                    if budget >= 0 and spent * 100 >= budget * threshold:
                        if self._first(f"{hold.keys[index]}:alert:{threshold}"):
                            crossed.append((index, threshold, spent))
        return crossed

    def _first(self, key: str) -> bool:
        if key in self._alerted:
            return False
        self._alerted.add(key)
        return True


# KEYS: day spent, month spent, held. ARGV: amount, day budget, month budget, hold ttl, day ttl, month ttl.
_RESERVE = """
local held = tonumber(redis.call('get', KEYS[3]) or '0')
if held < 0 then held = 0 end
local amount = tonumber(ARGV[1])
for i = 1, 2 do
  local budget = tonumber(ARGV[1 + i])
  if budget >= 0 then
    local spent = tonumber(redis.call('get', KEYS[i]) or '0')
    if spent + held + amount > budget then
      local out = {i, spent}
      for _, threshold in ipairs({80, 100}) do
        if redis.call('set', KEYS[i] .. ':alert:' .. threshold, '1', 'NX', 'EX', ARGV[4 + i]) then
          table.insert(out, threshold)
        end
      end
      return out
    end
  end
end
redis.call('incrby', KEYS[3], amount)
redis.call('expire', KEYS[3], ARGV[4])
return {0, 0}
"""

# KEYS: as above. ARGV: held amount, actual cost, day budget, month budget, day ttl, month ttl.
_SETTLE = """
local left = redis.call('decrby', KEYS[3], ARGV[1])
if left < 0 then redis.call('set', KEYS[3], 0, 'EX', 120) end
local out = {}
for i = 1, 2 do
  local spent = redis.call('incrby', KEYS[i], ARGV[2])
  redis.call('expire', KEYS[i], ARGV[4 + i])
  local budget = tonumber(ARGV[2 + i])
  if budget >= 0 then
    for _, threshold in ipairs({80, 100}) do
      if spent * 100 >= budget * threshold then
        if redis.call('set', KEYS[i] .. ':alert:' .. threshold, '1', 'NX', 'EX', ARGV[4 + i]) then
          table.insert(out, i - 1)
          table.insert(out, threshold)
          table.insert(out, spent)
        end
      end
    end
  end
end
return out
"""


class _RedisStore:
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client
        self._reserve = client.register_script(_RESERVE)
        self._settle = client.register_script(_SETTLE)

    def read(self, keys: tuple[str, str]) -> tuple[int, int]:
        day, month = self._redis.mget(keys)
        return int(day or 0), int(month or 0)

    def reserve(self, hold: Hold) -> tuple[int, int, list[int]]:
        out = self._reserve(keys=list(hold.keys), args=[hold.amount, *hold.budgets, HOLD_TTL, DAY_TTL, MONTH_TTL])
        return int(out[0]), int(out[1]), [int(t) for t in out[2:]]

    def settle(self, hold: Hold, actual: int) -> list[tuple[int, int, int]]:
        out = self._settle(keys=list(hold.keys), args=[hold.amount, actual, *hold.budgets, DAY_TTL, MONTH_TTL])
        return [(int(out[i]), int(out[i + 1]), int(out[i + 2])) for i in range(0, len(out), 3)]
