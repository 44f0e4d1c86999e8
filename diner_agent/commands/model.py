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

from diner_agent.menu.records import WEEKDAYS, Role

Channel = Literal["sms", "slack", "web", "cli"]
Price = Annotated[str, StringConstraints(pattern=r"^\d{1,7}\.\d{2}$")]
HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
ItemName = Annotated[str, StringConstraints(min_length=1, max_length=120)]


def _day_key(value: str) -> str:
    if value in WEEKDAYS:
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
    # Sold out until when (contract extension, docs/parse-contract.md): an instant the item comes back by
    # itself, or None to keep it off until someone says it is back. Only for value=False; the reader
    # fills it from the text ("for today", "till monday", "for good") or the diner's sold_out_until rule.
    until: AwareDatetime | None = None

    def contract(self) -> dict:
        out = super().contract()
        if self.value is False:
            out["until"] = self.until.isoformat() if self.until else None
        return out


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


class SpecialValue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    price: Price
    until: AwareDatetime | None = None  # None: it ends when the diner closes that day


class AddSpecial(_Command):
    """A temporary item in the Specials section ("today's special: meatloaf sandwich 9.99")."""

    action: Literal["add_special"] = "add_special"
    target: ItemName
    value: SpecialValue


class NewItemValue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    price: Price
    category: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None


class AddItem(_Command):
    """A new item on the menu for good ("add tuna melt 9.99 to lunch"); owners only, always confirmed."""

    action: Literal["add_item"] = "add_item"
    target: ItemName
    value: NewItemValue


class RenameItem(_Command):
    """target: the item's current name; value: its new name. Owners only, always confirmed."""

    action: Literal["rename_item"] = "rename_item"
    target: ItemName
    value: ItemName


class RemoveItem(_Command):
    """Take an item off the menu for good (hidden, kept for audit and undo). Owners only, always confirmed."""

    action: Literal["remove_item"] = "remove_item"
    target: ItemName
    value: None = None


Command = Annotated[
    UpdatePrice
    | ToggleAvailable
    | AddSpecial
    | AddItem
    | RenameItem
    | RemoveItem
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
CHANGES = (
    UpdatePrice,
    ToggleAvailable,
    ChangeHours,
    CloseEmergency,
    Reopen,
    AddSpecial,
    AddItem,
    RenameItem,
    RemoveItem,
)
CHANGE_ACTIONS = frozenset(c.model_fields["action"].default for c in CHANGES)
# What `staff` may do besides reading and confirming/undoing their own changes (DESIGN 4.1).
STAFF_ACTIONS = frozenset({"toggle_available"})
# Changes to what the menu is (not just its state today): always asked about with YES first, even when read
# with certainty, because a typo here renames or removes the wrong thing for good.
MENU_EDIT_ACTIONS = frozenset({"add_item", "rename_item", "remove_item"})


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from any channel, already authenticated and mapped to a tenant by its adapter."""

    tenant_id: str
    channel: Channel
    sender: str  # E.164 phone (sms), Slack user id (slack), the token's id (web), anything (cli)
    text: str
    message_id: str | None = None
    # Set only where the sender's role is known already (a web token names its holder's role).
    role: Role | None = None
    sender_name: str | None = None
    # A Slack button click names the confirmation it answers.
    pending_id: str | None = None
    # A Slack Undo button names the change batch it was posted with.
    batch_id: str | None = None
    # The sender's own Slack workspace (a Slack Connect guest's is another organisation's).
    sender_team: str | None = None


ReplyKind = Literal["applied", "confirm", "info", "refused", "invalid", "unknown", "silent"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What to tell the sender. Adapters render `text` (TwiML, Block Kit, SSE) and may add buttons."""

    text: str
    kind: ReplyKind = "info"
    pending_id: str | None = None  # a confirmation question: Confirm / Cancel buttons answer it
    undo: bool = False  # a change was applied: an Undo button may be offered
    batch_id: str | None = None  # the applied change's audit batch: what that Undo button undoes
    duplicate: bool = False  # the message id was seen before; nothing was applied this time
