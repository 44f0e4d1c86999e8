"""The tenant file's schema (DESIGN 4.1), validated with pydantic: a bad file is refused as a whole, with
messages that name the tenant and the field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import limits
import phonenumbers
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from diner_agent.menu.hours import HoursError, parse_spec
from diner_agent.menu.prices import cents_of
from diner_agent.menu.records import WEEKDAYS


class TenantFileError(ValueError):
    """The file cannot be loaded; `problems` lists each as 'tenant <id>: <field>: <message>'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def to_e164(value: object) -> str:
    try:
        number = phonenumbers.parse(str(value), "US")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{value!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{value!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Cents = Annotated[int, BeforeValidator(cents_of)]
Phone = Annotated[str, BeforeValidator(to_e164)]
Name = Annotated[str, Field(min_length=1, max_length=120)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class StaffEntry(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    phone: Phone | None = None
    role: Literal["owner", "staff"]
    slack_user: Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,}$")] | None = None

    @model_validator(mode="after")
    def _reachable(self) -> StaffEntry:
        if self.phone is None and self.slack_user is None:
            raise ValueError(f"staff member {self.name!r} needs a phone or a slack_user")
        return self


class MenuEntry(_Strict):
    name: Name
    price: Cents
    category: Annotated[str, Field(max_length=80)] | None = None
    aliases: list[Annotated[str, Field(min_length=1, max_length=120)]] = []
    available: bool = True


def _rate(value: str) -> str:
    try:
        limits.parse(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a rate such as '10/minute' or '500/day'") from None
    return value


class AiEntry(_Strict):
    """The optional `ai:` block: this diner's own AI rate limit, cache TTL and budgets (USD)."""

    rate_limit: Annotated[str, AfterValidator(_rate)] | None = None
    cache_ttl: Annotated[int, Field(ge=0, le=86_400)] | None = None
    daily_budget_usd: Annotated[float, Field(gt=0, le=100_000)] | None = None
    monthly_budget_usd: Annotated[float, Field(gt=0, le=1_000_000)] | None = None


class TenantEntry(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$", max_length=64)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    timezone: str
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    sms_number: Phone | None = None
    slack_team: Annotated[str, Field(pattern=r"^[TE][A-Z0-9]{2,}$")] | None = None
    slack_default_role: Literal["none", "staff"] = "none"
    max_price: Cents = 50_000
    staff: list[StaffEntry] = []
    hours: dict[str, str] = {}
    menu: list[MenuEntry] = []
    ai: AiEntry | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA timezone such as America/New_York") from None
        return value

    @field_validator("hours", mode="before")
    @classmethod
    def _hours(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        out = {}
        for day, spec in value.items():
            key = str(day).strip().lower()[:3]
            if key not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a day (mon..sun)")
            try:
                parse_spec("closed" if spec is None else str(spec))
            except HoursError as exc:
                raise ValueError(f"{day}: {exc}") from None
            out[key] = "closed" if spec is None else str(spec)
        return out

    @model_validator(mode="after")
    def _consistent(self) -> TenantEntry:
        seen: dict[str, str] = {}
        for item in self.menu:
            for label in (item.name, *item.aliases):
                key = re.sub(r"\s+", " ", label.lower())
                if key in seen and seen[key] != item.name:
                    raise ValueError(f"{label!r} names both {seen[key]!r} and {item.name!r}")
                if key in seen and label == item.name:
                    raise ValueError(f"menu item {item.name!r} appears twice")
                seen[key] = item.name
            if item.price > self.max_price:
                raise ValueError(f"{item.name!r} costs more than max_price")
        phones = [s.phone for s in self.staff if s.phone]
        if len(phones) != len(set(phones)):
            raise ValueError("a staff phone number appears twice")
        users = [s.slack_user for s in self.staff if s.slack_user]
        if len(users) != len(set(users)):
            raise ValueError("a staff slack_user appears twice")
        return self


class TenantFile(_Strict):
    tenants: list[TenantEntry]

    @model_validator(mode="after")
    def _unique(self) -> TenantFile:
        for attr in ("id", "sms_number", "slack_team"):
            values = [getattr(t, attr) for t in self.tenants if getattr(t, attr)]
            dupes = sorted({v for v in values if values.count(v) > 1})
            if dupes:
                raise ValueError(f"{attr} used by more than one tenant: {', '.join(dupes)}")
        return self


def _describe(error: dict, raw: object) -> str:
    loc = list(error.get("loc", ()))
    where = ""
    if len(loc) >= 2 and loc[0] == "tenants" and isinstance(loc[1], int):
        index = loc[1]
        tenant_id = None
        if isinstance(raw, dict) and isinstance(raw.get("tenants"), list) and index < len(raw["tenants"]):
            entry = raw["tenants"][index]
            tenant_id = entry.get("id") if isinstance(entry, dict) else None
        where = f"tenant {tenant_id!r}" if tenant_id else f"tenants[{index}]"
        loc = loc[2:]
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    message = error.get("msg", "invalid").removeprefix("Value error, ")
    return ": ".join(part for part in (where, path, message) if part)


def parse_tenant_file(text: str) -> TenantFile:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TenantFileError([f"not valid YAML: {exc}"]) from None
    if not isinstance(raw, dict) or "tenants" not in raw:
        raise TenantFileError(["the file must be a mapping with a 'tenants' list"])
    try:
        return TenantFile.model_validate(raw)
    except ValidationError as exc:
        raise TenantFileError([_describe(e, raw) for e in exc.errors()]) from None


def read_tenant_file(path: str | Path) -> TenantFile:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TenantFileError([f"cannot read {path}: {exc.strerror}"]) from None
    return parse_tenant_file(text)
