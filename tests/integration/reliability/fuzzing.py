"""What the fuzzed-input suites share: Hypothesis settings, the odd values mixed into requests, fresh ids
(a repeated id would be a retry), and the check that a refused request left every diner as it was."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.integration.reliability.tenant_state import all_states, changed, processed_count

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # examples are cheap to find again; no .hypothesis directory in the tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

COMMANDS = [
    "86 the reuben", "86 coffee", "coffee 3.25", "coffee 9.00", "iced tea is back", "raise coffee by 25 cents",
    "closing at 2 today", "closed mondays", "emergency close, burst pipe", "open again", "86 the meatloaf",
    "mac n cheese 9.50", "86 the pie", "YES", "no", "UNDO", "MENU", "HOURS", "HELP", "STOP", "START",
]  # fmt: skip
ODD = "\x00\x07\x1b\r\n\t\u200b\u202e\ufeff\u00e9\u4e2d\U0001f373"
odd_bits = st.text(alphabet=st.sampled_from(ODD), max_size=4)
texts = st.one_of(
    st.sampled_from(COMMANDS),
    st.tuples(odd_bits, st.sampled_from(COMMANDS), odd_bits).map("".join),
    st.sampled_from(COMMANDS).map(str.upper),
    st.text(max_size=40),
)
huge_texts = st.sampled_from([1599, 1600, 1601, 5000, 70_000]).map(lambda n: ("86 the reuben, " * n)[:n])
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20), st.sampled_from(COMMANDS)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
deep_json = st.integers(50, 60_000).map(lambda n: "[" * n + "]" * n) | st.integers(50, 30_000).map(
    lambda n: '{"a":' * n + "1" + "}" * n
)
DELETE = object()


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy = json_values) -> st.SearchStrategy:
    """Usually what a real client would send, sometimes anything at all (Hypothesis does not pick the
    branches of a one_of evenly, so the odds are made explicit)."""
    return st.integers(0, 9).flatmap(lambda i: usual if i < 8 else odd)


FRESH = "zzFRESHzz"  # replaced per example: Hypothesis repeats drawn values, and a repeated id is a retry
ids = itertools.count(1)


def fresh(value: str, prefix: str) -> str:
    return f"{prefix}{next(ids):016d}" if value == FRESH else value


def mutate(draw, mapping: dict, keys: list[str] | None = None) -> None:
    """Replace a few of the mapping's keys with arbitrary JSON values, or delete them."""
    keys = keys if keys is not None else list(mapping)
    if not keys:
        return
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        value = draw(st.just(DELETE) | json_values)
        if value is DELETE:
            mapping.pop(key, None)
        else:
            mapping[key] = value


def assert_state_unchanged(store, before: dict, processed: int) -> None:
    assert changed(before, all_states(store)) == set()
    assert processed_count(store) == processed  # not even recorded as answered
