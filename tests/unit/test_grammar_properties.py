"""Property tests: whatever arrives, the grammar answers without raising, and every command it returns
is inside the contract schema and names a real item of that tenant's menu."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diner_agent.commands import grammar
from diner_agent.commands.model import COMMAND
from diner_agent.commands.understand import understand
from tests.menus import blue_plate, demo_diner

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/New_York"))
WORDS = [
    "86", "the", "coffee", "pie", "and", ",", "$3", "3.25", "close", "closed", "open", "at", "2", "today",
    "tomorrow", "mondays", "7-3", "until", "4pm", "emergency", "back", "sold", "out", "of", "no", "more",
    "raise", "by", "25", "cents", "un-86", "mac", "cheese", "&", "pls", "!", "weekdays", "noon", "-", "burst",
    "pipe", "reuben", "yes", "undo", "menu", "hours", "set", "to", "price", "for", "we're", "again", "25:00",
    "lobster", "everything", "free", "-1", "0", "1e9", "%", "10%", "off", "knock", "a", "dollar",
]  # fmt: skip
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)


def _check(text: str, snapshot) -> None:
    result = grammar.read(text, snapshot, NOW)
    names = {i.name for i in snapshot.items}
    for command in result.commands:
        COMMAND.validate_python(command.contract())
        if command.action in ("update_price", "toggle_available"):
            assert command.target in names
        if command.action == "update_price":
            assert 0 < float(command.value) <= snapshot.tenant.max_price_cents / 100
    if not result.commands:
        assert result.problem is None or result.problem.message


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_unicode_text_is_answered(text):
    _check(text, blue_plate())
    assert understand(text, blue_plate(), NOW).source in ("grammar", "llm", "none")


@settings(max_examples=600, deadline=None)
@given(phrases)
def test_owner_like_word_salad_never_yields_out_of_schema_commands(text):
    _check(text, blue_plate())
    _check(text, demo_diner())


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=601, max_size=3000))
def test_long_texts_are_refused_quickly(text):
    result = grammar.read(text, blue_plate(), NOW)
    assert not result.commands and result.problem is not None
