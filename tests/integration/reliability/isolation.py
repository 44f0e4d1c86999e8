"""What the tenant isolation suites share. Isolation is checked as properties over who sends what to whom:
two diners share the deployment, blue-plate (+15555550100, owner Dana +15555550101, Slack T0BLUEPLT) and
demo-diner (+15555550150, owner Dana +15555550151, Slack T0DEMODNR). Both workspaces have a Slack user
U0DANA (a different person in each), and both menus have a Coffee: the traps a lookup that forgets the
tenant would fall into. For every channel a request changes at most the diner its credential belongs
to, and no reply names an item only the other diner sells; the AI response cache never serves one
diner's answer to another."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, settings

from diner_agent.commands.replies import HELP, NOT_UNDERSTOOD, STAFF_HELP
from tests.integration.reliability.tenant_state import mentions, only_names
from tests.sample import (
    BLUE_PLATE,
    BLUE_PLATE_NUMBER,
    BLUE_TEAM,
    DANA,
    DEMO,
    DEMO_DANA,
    DEMO_NUMBER,
    DEMO_RILEY,
    DEMO_SAM,
    DEMO_TEAM,
    SAM,
    STRANGER,
)

ISOLATION = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Commands both menus can take (Coffee, Iced Tea, Cheeseburger... are on both), keywords and questions.
TEXTS = [
    "86 coffee", "coffee is back", "coffee 2.75", "coffee 9.00", "iced tea 3.10", "86 the cheeseburger",
    "cheeseburger is back", "mac and cheese 9.25", "closing at 2 today", "closed sundays", "open at 8 tomorrow",
    "emergency close, burst pipe", "open again", "UNDO", "YES", "NO", "MENU", "HOURS", "HELP", "STOP",
    "what's sold out?", "how much is the coffee?",
]  # fmt: skip
NUMBERS = {BLUE_PLATE_NUMBER: BLUE_PLATE, DEMO_NUMBER: DEMO}
PHONES = {DANA: BLUE_PLATE, SAM: BLUE_PLATE, DEMO_DANA: DEMO, DEMO_SAM: DEMO, DEMO_RILEY: DEMO, STRANGER: None}
TEAMS = {BLUE_TEAM: BLUE_PLATE, DEMO_TEAM: DEMO, "T0NOBODY": None}
OTHER = {BLUE_PLATE: DEMO, DEMO: BLUE_PLATE}
ids = itertools.count(1)


def fresh(prefix: str) -> str:
    return f"{prefix}{next(ids):020d}"


def secret_names(store) -> dict[str, set[str]]:
    """Per diner, the items only it sells, less those the canned texts every diner gets use as examples
    ('86 meatloaf' is in HELP for everyone, so naming meatloaf there tells nobody anything)."""
    canned = HELP + STAFF_HELP + NOT_UNDERSTOOD
    return {t: {n for n in only_names(store, t) if not mentions(canned, {n})} for t in (BLUE_PLATE, DEMO)}


def assert_tells_nothing_of(other: str | None, texts: list[str], secrets: dict[str, set[str]]) -> None:
    for text in texts:
        leaked = mentions(text, secrets[other]) if other else set()
        assert not leaked, f"{text!r} names {leaked}, sold only by {other}"
