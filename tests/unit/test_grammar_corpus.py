"""Table-driven grammar tests: every owner text in the corpora parses to exactly the expected commands.

The corpora (tests/unit/grammar_cases/*.jsonl and the shared fixture sample) were written from the
reading rules in the issue, apart from the grammar. `expect: null` means nothing may be applied
without asking; `confirm: true` means the commands are right but must be confirmed first.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from diner_agent.commands.understand import understand
from tests.menus import blue_plate, demo_diner, harbor, route66

HERE = Path(__file__).parent
TODAY = date(2026, 11, 26)  # a Thursday; every corpus is written for 10:00 local time on this day


def _now(snapshot) -> datetime:
    return datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo(snapshot.tenant.timezone))


def _cases(path: Path):
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if line.strip():
            case = json.loads(line)
            yield pytest.param(case, id=f"{path.stem}:{n}:{case['text'][:40]}")


def _resolve_placeholder(value, tz):
    if isinstance(value, str) and value.startswith("@today"):
        day, rest = TODAY, value[len("@today") :]
    elif isinstance(value, str) and value.startswith("@tomorrow"):
        day, rest = TODAY + timedelta(days=1), value[len("@tomorrow") :]
    else:
        return value
    rest = rest.strip()
    if not rest:
        return day.isoformat()
    hour, minute = map(int, rest.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _matches(expected, actual, tz) -> bool:
    if expected == "@any":
        return True
    if isinstance(expected, dict):
        if isinstance(actual, dict) and "until" not in expected and actual.get("action") == "toggle_available":
            actual = {k: v for k, v in actual.items() if k != "until"}  # a case that does not say when it is back
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(_matches(v, actual[k], tz) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_matches(e, a, tz) for e, a in zip(expected, actual, strict=True))
        )
    expected = _resolve_placeholder(expected, tz)
    if isinstance(expected, datetime):
        return actual is not None and datetime.fromisoformat(actual) == expected
    return expected == actual


def _check(case, snapshot):
    now = _now(snapshot)
    result = understand(case["text"], snapshot, now)
    got = [c.contract() for c in result.commands]
    if case["expect"] is None:
        assert got == [] or result.needs_confirmation, f"applied without asking: {got}"
        assert result.reply, "an unreadable text still gets an answer"
        return
    assert _matches(case["expect"], got, now.tzinfo), f"got {got}, reply={result.reply!r}"
    assert result.needs_confirmation == case.get("confirm", False), f"confirmation: {result.reasons}"


@pytest.mark.parametrize("case", list(_cases(HERE / "grammar_cases" / "blue_plate.jsonl")))
def test_blue_plate_corpus(case):
    _check(case, blue_plate())


@pytest.mark.parametrize("case", list(_cases(HERE.parent / "fixtures" / "sample-messages.jsonl")))
def test_shared_samples(case):
    _check(case, blue_plate())


@pytest.mark.parametrize("case", list(_cases(HERE / "grammar_cases" / "demo_diner.jsonl")))
def test_demo_diner_corpus(case):
    _check(case, demo_diner())


@pytest.mark.parametrize("case", list(_cases(HERE / "grammar_cases" / "heldout_route66.jsonl")))
def test_heldout_route66_corpus(case):
    _check(case, route66())


@pytest.mark.parametrize("case", list(_cases(HERE / "grammar_cases" / "heldout_harbor.jsonl")))
def test_heldout_harbor_corpus(case):
    _check(case, harbor())
