import json

import pytest

from diner_agent.gateway.metadata import metadata_header


def test_tenant_always_comes_first_and_values_stay_flat():
    header = metadata_header("blue-plate", {"channel": "sms", "retry": 1, "llm": True})
    assert json.loads(header) == {"tenant": "blue-plate", "channel": "sms", "retry": 1, "llm": True}
    assert header.startswith('{"tenant":"blue-plate"')


def test_non_ascii_is_escaped_so_the_header_stays_ascii():
    assert metadata_header("café").isascii()


def test_five_entries_including_the_tenant_is_the_most():
    metadata_header("t", {"a": 1, "b": 2, "c": 3, "d": 4})
    with pytest.raises(ValueError, match="at most 5"):
        metadata_header("t", {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5})


@pytest.mark.parametrize("value", [{"nested": 1}, [1, 2], None, float("nan")])
def test_values_must_be_strings_numbers_or_booleans(value):
    with pytest.raises(ValueError):
        metadata_header("t", {"k": value})


def test_reserved_keys_are_refused():
    with pytest.raises(ValueError, match="reserved"):
        metadata_header("t", {"cf.user_id": "x"})


def test_tenant_cannot_be_overridden():
    assert json.loads(metadata_header("t", {"tenant": "t"})) == {"tenant": "t"}
    with pytest.raises(ValueError):
        metadata_header("t", {"tenant": "someone-else"})
