"""The LLM fallback parser: for texts the grammar cannot read, ask a model for `{"commands": [...]}`.

Contract (DESIGN 5): JSON mode with the schema below, a prompt that lists the tenant's items and gives
today's date in its timezone, and the owner's text verbatim as the user message. The answer is
untrusted input: it is parsed as JSON, validated with the same pydantic models as the grammar's
commands, every item is resolved against the real menu with the grammar's resolver (unknown or
ambiguous -> a question, nothing applied), values are checked as for the grammar, and anything outside
the four change actions plus reopen is dropped. An LLM reading is always confirmed before it applies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from diner_agent.commands.apply import ApplyError, new_hours
from diner_agent.commands.grammar.common import problem_for
from diner_agent.commands.grammar.sold_out import default_until
from diner_agent.commands.language_model import LlmReading
from diner_agent.commands.model import COMMAND, ChangeHours, CloseEmergency, Command, ToggleAvailable, UpdatePrice
from diner_agent.commands.money import PriceError, check_price, format_cents
from diner_agent.commands.resolve import Match, resolver_for
from diner_agent.menu.hours import hours_on
from diner_agent.menu.records import MenuSnapshot

log = logging.getLogger(__name__)

ALLOWED = ("update_price", "toggle_available", "change_hours", "close_emergency", "reopen")
MAX_COMMANDS = 10
MAX_ANSWER_CHARS = 8000

_DAY_KEY = {"type": "string", "pattern": r"^(mon|tue|wed|thu|fri|sat|sun|\d{4}-\d{2}-\d{2})$"}
_HHMM = {"type": ["string", "null"], "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["commands"],
    "properties": {
        "commands": {
            "type": "array",
            "maxItems": MAX_COMMANDS,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["action", "target", "value"],
                "properties": {
                    "action": {"type": "string", "enum": list(ALLOWED)},
                    "target": {"anyOf": [{"type": "string"}, {"type": "array", "items": _DAY_KEY}, {"type": "null"}]},
                    "value": {
                        "anyOf": [
                            {"type": "string"},
                            {"type": "boolean"},
                            {"type": "null"},
                            {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {"open": _HHMM, "close": _HHMM},
                            },
                            {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {
                                    "until": {"type": ["string", "null"]},
                                    "reason": {"type": ["string", "null"]},
                                },
                            },
                        ]
                    },
                },
            },
        }
    },
}
RESPONSE_FORMAT = {"type": "json_schema", "json_schema": {"name": "menu_commands", "schema": SCHEMA}}

# complete(tenant_id, messages, response_format, deadline) -> the model's text (JSON), or raises
# LlmRateLimited / LlmUnavailable. The app wires it to the AI gateway.
Complete = Callable[[str, list[dict[str, str]], dict, float | None], str]

_INSTRUCTIONS = """You turn a diner owner's text message into menu commands for "{name}".
Answer with JSON only: {{"commands": [...]}}. Each command is {{"action", "target", "value"}}:
- update_price: target = menu item name, value = new price as a string with 2 decimals ("9.00").
- toggle_available: target = menu item name, value = false (sold out / 86'd) or true (available again).
- change_hours: target = list of day keys, each "mon".."sun" (weekly hours) or "YYYY-MM-DD" (that date only);
  value = {{"open": "HH:MM" or null, "close": "HH:MM" or null}} (null = unchanged) or the string "closed".
- close_emergency: target = null, value = {{"until": ISO-8601 datetime with offset or null, "reason": text or null}}.
- reopen: target = null, value = null (ends an emergency closure).
Use only items from the menu below. If the text asks for anything else (orders, questions, other
actions) or you are unsure, answer {{"commands": []}}.
Today is {weekday} {today} and the time is {time} in {tz} (UTC offset {offset}).
Menu items: {items}"""


def build_messages(text: str, snapshot: MenuSnapshot, now: datetime) -> list[dict[str, str]]:
    """The system prompt (schema rules, today's date, the menu) and the owner's text verbatim."""
    local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
    items = "; ".join(
        item.name + (f" (also: {', '.join(item.aliases)})" if item.aliases else "") for item in snapshot.items
    )
    system = _INSTRUCTIONS.format(
        name=snapshot.tenant.name,
        weekday=local.strftime("%A"),
        today=local.date().isoformat(),
        time=local.strftime("%H:%M"),
        tz=snapshot.tenant.timezone,
        offset=local.strftime("%z"),
        items=items,
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": text}]


class LlmParser:
    """Implements the command layer's LlmReader on top of a `complete` function."""

    def __init__(self, complete: Complete) -> None:
        self.complete = complete

    def read(self, text: str, snapshot: MenuSnapshot, now: datetime, *, deadline: float | None = None) -> LlmReading:
        raw = self.complete(snapshot.tenant.id, build_messages(text, snapshot, now), RESPONSE_FORMAT, deadline)
        return validate_answer(raw, snapshot, now)


def validate_answer(raw: str, snapshot: MenuSnapshot, now: datetime) -> LlmReading:
    """Turn the model's text into commands that are safe to offer for confirmation, or a question."""
    if not isinstance(raw, str) or len(raw) > MAX_ANSWER_CHARS:
        return LlmReading()
    try:
        data = json.loads(raw)
    except ValueError:
        log.info("LLM answer was not JSON; ignoring it")
        return LlmReading()
    if not isinstance(data, dict) or set(data) != {"commands"} or not isinstance(data["commands"], list):
        return LlmReading()
    resolver = resolver_for(snapshot)
    commands: list[Command] = []
    for proposed in data["commands"][:MAX_COMMANDS]:
        if not isinstance(proposed, dict) or proposed.get("action") not in ALLOWED:
            continue  # anything outside the four changes and reopen is dropped
        if set(proposed) - {"action", "target", "value"}:
            log.info("LLM proposed a command with extra keys; dropped")
            continue
        proposed = dict(proposed)
        if proposed["action"] in ("update_price", "toggle_available"):
            resolution = resolver.resolve(str(proposed.get("target") or ""))
            if not isinstance(resolution, Match):
                return LlmReading(problem=problem_for(resolution).message)  # type: ignore[arg-type]
            proposed["target"] = resolution.item.name
        if proposed["action"] == "update_price":
            price = _price(proposed.get("value"), snapshot)
            if isinstance(price, LlmReading):
                return price
            proposed["value"] = price
        try:
            command = COMMAND.validate_python(proposed)
        except ValidationError:
            log.info("LLM proposed an out-of-schema %s command; dropped", proposed.get("action"))
            continue
        problem = _check(command, snapshot, now)
        if problem is not None:
            return LlmReading(problem=problem)
        if isinstance(command, ToggleAvailable) and command.value is False:
            until = default_until(snapshot, now)  # the diner's rule
            command = command.model_copy(update={"until": until, "at_next_open": until is not None})
        commands.append(command)
    return LlmReading(commands=tuple(commands))


def _price(value: object, snapshot: MenuSnapshot) -> str | LlmReading:
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        return LlmReading(problem="I couldn't read that price. Nothing changed.")
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        return LlmReading(problem="Prices have at most 2 decimals. Nothing changed.")
    try:
        cents = check_price(int(amount * 100), amount <= 0, snapshot.tenant.max_price_cents)
    except PriceError as exc:
        return LlmReading(problem=f"{exc} Nothing changed.")
    return format_cents(cents)


def _check(command: Command, snapshot: MenuSnapshot, now: datetime) -> str | None:
    """The value checks the grammar applies: real days, sensible hours, closures that end later."""
    tz = ZoneInfo(snapshot.tenant.timezone)
    today = now.astimezone(tz).date()
    if isinstance(command, ChangeHours):
        for key in command.target:
            if len(key) == 10:
                day = date.fromisoformat(key)
                if day < today or day > today + timedelta(days=366):
                    return f"{key} is not a date I can set hours for. Nothing changed."
                base = hours_on(snapshot, day)
            else:
                base = snapshot.weekly.get(key, ())
            try:
                new_hours(base, command, key, today)
            except ApplyError as exc:
                return f"{exc} Nothing changed."
    if isinstance(command, CloseEmergency) and command.value.until is not None:
        if command.value.until <= now or command.value.until > now + timedelta(days=31):
            return "That closing time doesn't look right. Nothing changed."
    if isinstance(command, UpdatePrice) and snapshot.item_named(command.target) is None:
        return f"{command.target} is not on the menu. Nothing changed."
    return None
