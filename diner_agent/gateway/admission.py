"""Before a model is called, and after: the diner's rate limit and budget, then the settle and its alerts.

The gateway asks `admit` only when it is about to call a provider (never for a cache hit or a follower of
an identical call, which spend nothing): it takes a slot of the diner's window (its own `rate_limit` or
the deployment's), then reserves the call's worst-case cost against its budgets (budget.py). `settle`
replaces the reservation with what the call cost and publishes the alerts it crossed; a call that failed
settles at zero, a stream cut short at what was streamed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import limits

from diner_agent.clock import Clock

from .answer import Answer
from .budget import BudgetAlert, BudgetExceeded, Budgets, Hold
from .errors import RateLimited
from .policy import Effective
from .pricing import cost_of, estimate_prompt_tokens
from .providers import ChatRequest
from .rate_limit import RateInfo, TenantGate

Publish = Callable[[BudgetAlert], None]


@dataclass(frozen=True, slots=True)
class Admitted:
    hold: Hold | None
    rate: RateInfo | None


class Admission:
    def __init__(self, gate: TenantGate, budgets: Budgets, model: str, clock: Clock, publish: Publish) -> None:
        self._gate = gate
        self._budgets = budgets
        self._model = model
        self._clock = clock
        self._publish = publish

    def status(self, tenant: str, policy: Effective) -> RateInfo | None:
        return self._gate.status(tenant, policy.rate_limit)

    def admit(self, req: ChatRequest, policy: Effective, until: float) -> Admitted:
        """Take a rate-limit slot and reserve the worst-case cost, or raise RateLimited / BudgetExceeded."""
        try:
            self._gate.acquire(req.tenant, until, policy.rate_limit)
        except RateLimited as exc:
            exc.rate = RateInfo(self._limit(policy), 0, exc.retry_after)
            raise
        rate = self._gate.status(req.tenant, policy.rate_limit)
        if not policy.has_budget:
            return Admitted(None, rate)
        estimate = cost_of(self._model, estimate_prompt_tokens(req.messages), req.max_tokens)
        try:
            hold = self._budgets.reserve(req.tenant, policy, float(estimate.usd), self._clock.now())
        except BudgetExceeded as exc:
            for alert in exc.alerts:
                self._publish(alert)
            raise
        return Admitted(hold, rate)

    def settle(self, admitted: Admitted | None, answer: Answer | None) -> None:
        if admitted is None or admitted.hold is None:
            return
        cost = 0.0
        if answer is not None:
            price = cost_of(answer.model, answer.prompt_tokens, answer.completion_tokens)
            cost = float(price.usd)
        for alert in self._budgets.settle(admitted.hold, cost):
            self._publish(alert)

    def _limit(self, policy: Effective) -> int:
        return limits.parse(policy.rate_limit).amount
