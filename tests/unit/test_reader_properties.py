"""Property tests of the reader as a whole: Slack- and transcript-shaped input never raises nor yields an
out-of-schema command, and a neutral sentence (a greeting, thanks, or a reason with no item, number,
day or negation) added to a text never changes the commands read from it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diner_agent.commands.model import CHANGE_ACTIONS, COMMAND
from diner_agent.commands.understand import understand
from tests.menus import blue_plate

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/New_York"))
CASES = Path(__file__).parent / "grammar_cases" / "blue_plate.jsonl"
# Texts the reader reads into commands at once (from the corpus), as a base to add sentences to.
READ = [
    case["text"]
    for case in map(json.loads, CASES.read_text().splitlines())
    if case["expect"]
    and not case.get("confirm")
    and "?" not in case["text"]
    and all(c["action"] in CHANGE_ACTIONS for c in case["expect"])  # keywords (YES, MENU) stand alone
]

GREETINGS = ["hi", "hey there", "good morning", "thanks!", "thank you so much", "have a good one",
             "sorry for the late notice", "cheers", "you're the best", "appreciate it"]  # fmt: skip
SUBJECTS = ["the fryer", "our supplier", "the delivery guy", "Maria", "the walk-in", "the new cook", "my car"]
PREDICATES = ["is acting up", "was late", "called in sick", "broke down", "showed up short", "is a mess",
              "got stuck in traffic", "had a rough night", "is being weird"]  # fmt: skip
REASONS = ["ran out of buns", "supplier was short", "long story", "what a week", "crazy rush this morning"]
JOINS = [". ", ", ", "\n", " - ", "! "]


@st.composite
def neutral_sentence(draw) -> str:
    kind = draw(st.sampled_from(["greeting", "story", "reason"]))
    if kind == "greeting":
        return draw(st.sampled_from(GREETINGS))
    if kind == "story":
        return f"{draw(st.sampled_from(SUBJECTS))} {draw(st.sampled_from(PREDICATES))}"
    return draw(st.sampled_from(REASONS))


def _gist(result) -> list[dict]:
    """The commands without a closure's free-text reason (an added story may rightly become part of it)."""
    out = []
    for command in result.commands:
        contract = command.contract()
        if isinstance(contract.get("value"), dict) and "reason" in contract["value"]:
            contract["value"] = {k: v for k, v in contract["value"].items() if k != "reason"}
        out.append(contract)
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(READ), neutral_sentence(), st.sampled_from(JOINS), st.booleans())
def test_a_neutral_sentence_never_changes_the_commands(text, sentence, join, before):
    """A story next to a closure may rightly be its reason ("closed today, the fryer broke down" is an
    emergency closure with that reason), so closures and hours get greetings only."""
    snapshot = blue_plate()
    if any(c.action in ("close_emergency", "change_hours", "reopen") for c in understand(text, snapshot, NOW).commands):
        sentence = GREETINGS[len(sentence) % len(GREETINGS)]
    alone = understand(text, snapshot, NOW)
    combined = f"{sentence}{join}{text}" if before else f"{text}{join}{sentence}"
    together = understand(combined, snapshot, NOW)
    assert _gist(together) == _gist(alone), combined
    assert together.needs_confirmation == alone.needs_confirmation, (combined, together.reasons)


SLACKISH = ["*", "_", "~", "`", "```", "<@U0BOT>", "<@U0SAM|sam>", "<#C01|general>", "<https://x.example|x>",
            ":x:", ":white_check_mark:", ":tada:", "->", "\u2192", "\n", "- ", "\u2022 ", "> ", "&amp;", "um",
            "uh", "a m", "p m", "at for", "to dollars", "sold out:", "price changes:", "scratch that",
            "make that", "if", "don't", "not", "coffee", "reuben", "pie", "86", "3.25", "$4", "back", "close",
            "at", "2", "today", "all the", "pies", "both"]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SLACKISH), min_size=1, max_size=14).map(" ".join))
def test_channel_shaped_text_never_raises_nor_leaves_the_schema(text):
    snapshot = blue_plate()
    result = understand(text, snapshot, NOW)
    names = {i.name for i in snapshot.items}
    for command in result.commands:
        COMMAND.validate_python(command.contract())
        if command.action in ("update_price", "toggle_available"):
            assert command.target in names
    assert result.commands or result.reply
    if result.partial and result.commands:
        assert result.needs_confirmation or all(u.why in ("negated", "conditional") for u in result.partial)
