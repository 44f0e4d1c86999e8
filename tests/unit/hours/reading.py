"""A made-up diner for the hours tests, with the hours a test gives it, and one reading helper."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from diner_agent.commands.understand import understand
from diner_agent.menu.hours import parse_spec
from tests.menus import blue_plate

LUNCH = {"mon": "06:00-14:00", "tue": "06:00-14:00", "wed": "06:00-14:00", "thu": "06:00-14:00",
         "fri": "06:00-20:00", "sat": "07:00-20:00", "sun": "07:00-13:00"}  # fmt: skip
LATE = {"mon": "05:00-23:00", "tue": "05:00-23:00", "wed": "05:00-23:00", "thu": "05:00-23:00",
        "fri": "05:00-02:00", "sat": "05:00-02:00", "sun": "06:00-22:00"}  # fmt: skip
# Tuesday 2026-10-13, 10:30 in the diner's zone: "the 16th" is Friday, "this saturday" the 17th.
NOW = datetime(2026, 10, 13, 10, 30, tzinfo=ZoneInfo("America/New_York"))


def diner(hours: dict[str, str] = LUNCH):  # type: ignore[no-untyped-def]
    snapshot = blue_plate()
    weekly = {day: parse_spec(spec) for day, spec in hours.items()}
    return replace(snapshot, tenant=replace(snapshot.tenant, timezone="America/New_York"), weekly=weekly)


def read(text: str, hours: dict[str, str] = LUNCH, now: datetime = NOW) -> tuple[list[dict], bool]:
    """The commands (contract form) and whether they would be asked about first."""
    found = understand(text, diner(hours), now)
    return [c.contract() for c in found.commands], found.needs_confirmation


def hours(target: list[str], open_: str | None = None, close: str | None = None) -> dict:
    return {"action": "change_hours", "target": target, "value": {"open": open_, "close": close}}


def closed(target: list[str]) -> dict:
    return {"action": "change_hours", "target": target, "value": "closed"}
