"""One message being answered (a Turn), and the handlers that answer each kind of command.

A Turn is built once per message by the service, with everything a handler reads: the message, the
diner's snapshot, who sent it, and the moment, in UTC and in the diner's own time zone. A Handler is
one function per command kind plus what the service needs to know to run it: whether it writes, and
what to undo elsewhere when its changes could not be applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from diner_agent.commands.model import Inbound, Reply
from diner_agent.commands.understand import Understanding
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.records import Actor, MenuSnapshot, TenantInfo


@dataclass(frozen=True, slots=True)
class Turn:
    """Built by the service (`CommandService._turn`) once per message."""

    inbound: Inbound
    snapshot: MenuSnapshot
    tenant: TenantInfo
    # The sender; one with no role when they may not use this diner's bot (their replies are still
    # recorded, under the channel's own name for them).
    actor: Actor
    now: datetime
    local: datetime  # now in the diner's time zone
    menu_link: str | None = None


# answer(turn, meaning, uow): the unit of work is None only for a handler that does not write, run for a
# message without an id (nothing to record either).
Answer = Callable[[Turn, Understanding | None, UnitOfWork | None], Reply]
Failed = Callable[[Turn, UnitOfWork, str], None]


@dataclass(frozen=True, slots=True)
class Handler:
    answer: Answer
    writes: bool = True
    # When `answer` raised ApplyError (its unit of work rolled back): runs in the fresh unit of work that
    # records the refusal, with the refusal's text.
    failed: Failed | None = None


def reply_with(reply: Reply) -> Handler:
    """A handler that only says `reply` (recorded under the message id like any other)."""
    return Handler(lambda _turn, _meaning, _uow: reply, writes=False)
