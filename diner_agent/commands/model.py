"""The command layer's vocabulary: inbound messages, the commands of DESIGN 4.2, and replies.

Commands are pydantic models, one per action, whose JSON dump is exactly the parse contract
(`{"action", "target", "value"}`); the same models validate what an LLM returns, so nothing outside this
schema can reach the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)

from diner_agent.menu.records import Role

Channel = Literal["sms", "slack", "web", "cli"]
Price = Annotated[str, StringConstraints(pattern=r"^\d{1,7}\.\d{2}$")]
HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
ItemName = Annotated[str, StringConstraints(min_length=1, max_length=120)]
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_key(value: str) -> str:
    if value in WEEKDAY_KEYS:
        return value
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a day key (mon..sun or YYYY-MM-DD)") from None
    if len(value) != 10:
        raise ValueError(f"{value!r} is not a day key (mon..sun or YYYY-MM-DD)")
    return value


DayKey = Annotated[str, StringConstraints(pattern=r"^(mon|tue|wed|thu|fri|sat|sun|\d{4}-\d{2}-\d{2})$")]


class _Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def contract(self) -> dict:
        """The DESIGN 4.2 JSON shape of this command."""
        dumped = self.model_dump(mode="json")
        return {"action": dumped["action"], "target": dumped["target"], "value": dumped["value"]}


class UpdatePrice(_Command):
    action: Literal["update_price"] = "update_price"
    target: ItemName
    value: Price
    # For a relative change ("raise coffee by 25c"): the price it was computed from. Not part of the
    # contract; apply refuses if the price moved meanwhile, so two quick raises never lose one.
    based_on: int | None = Field(default=None, exclude=True)


class ToggleAvailable(_Command):
    action: Literal["toggle_available"] = "toggle_available"
    target: ItemName
    value: StrictBool


class HoursValue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    open: HHMM | None
    close: HHMM | None

    @model_validator(mode="after")
    def _something(self) -> HoursValue:
        if self.open is None and self.close is None:
            raise ValueError("give an opening time, a closing time or both")
        return self


class ChangeHours(_Command):
    action: Literal["change_hours"] = "change_hours"
    target: Annotated[list[DayKey], Field(min_length=1, max_length=14)]
    value: HoursValue | Literal["closed"]

    @field_validator("target")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for key in value:
            key = _day_key(key)
            if key not in out:
                out.append(key)
        return out


class EmergencyValue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    until: AwareDatetime | None = None
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class CloseEmergency(_Command):
    action: Literal["close_emergency"] = "close_emergency"
    target: None = None
    value: EmergencyValue


class _Bare(_Command):
    target: None = None
    value: None = None


class Reopen(_Bare):
    action: Literal["reopen"] = "reopen"


class Undo(_Bare):
    action: Literal["undo"] = "undo"


class Confirm(_Bare):
    action: Literal["confirm"] = "confirm"


class Cancel(_Bare):
    action: Literal["cancel"] = "cancel"


class Help(_Bare):
    action: Literal["help"] = "help"


class ShowMenu(_Bare):
    action: Literal["show_menu"] = "show_menu"


class ShowHours(_Bare):
    action: Literal["show_hours"] = "show_hours"


Command = Annotated[
    UpdatePrice
    | ToggleAvailable
    | ChangeHours
    | CloseEmergency
    | Reopen
    | Undo
    | Confirm
    | Cancel
    | Help
    | ShowMenu
    | ShowHours,
    Field(discriminator="action"),
]
COMMAND = TypeAdapter(Command)

# Actions that change the store (and so need a role, a policy decision and an audit entry).
CHANGES = (UpdatePrice, ToggleAvailable, ChangeHours, CloseEmergency, Reopen)
CHANGE_ACTIONS = frozenset(c.model_fields["action"].default for c in CHANGES)
# What `staff` may do besides reading and confirming/undoing their own changes (DESIGN 4.1).
STAFF_ACTIONS = frozenset({"toggle_available"})


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from any channel, already authenticated and mapped to a tenant by its adapter."""

    tenant_id: str
    channel: Channel
    sender: str  # E.164 phone (sms), Slack user id (slack), "owner" (web), anything (cli)
    text: str
    message_id: str | None = None
    # Set only by adapters that authenticated the sender themselves (the web token is the owner's).
    role: Role | None = None
    sender_name: str | None = None
    # A Slack button click names the confirmation it answers.
    pending_id: str | None = None


ReplyKind = Literal["applied", "confirm", "info", "refused", "invalid", "unknown", "silent"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What to tell the sender. Adapters render `text` (TwiML, Block Kit, SSE) and may add buttons."""

    text: str
    kind: ReplyKind = "info"
    pending_id: str | None = None  # a confirmation question: Confirm / Cancel buttons answer it
    undo: bool = False  # a change was applied: an Undo button may be offered
    duplicate: bool = False  # the message id was seen before; nothing was applied this time
