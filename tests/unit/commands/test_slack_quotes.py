"""A Slack reply under a quote ("> 86 the reuben" then "it's back") acts on the reply, never the quote;
a quote agreed to ("yes do it") is the change; quoted lines under the message's own header are its block."""

from __future__ import annotations

from tests.unit.hours.reading import read


def _changes(text: str) -> list[tuple[str, object]]:
    commands, _ = read(text)
    return [(c["target"], c["value"]) for c in commands]


def test_a_quote_replied_to_is_not_a_command_of_the_reply():
    assert _changes("&gt; 86 the reuben\nwho posted this? we have plenty") == []
    assert _changes("> 86 the reuben\ntuna melt 11") == [("Tuna Melt", "11.00")]


def test_a_quote_agreed_to_is_the_change():
    assert _changes("&gt; can we bump the reuben to 13.50?\nyes do it") == [("Reuben", "13.50")]


def test_quoted_lines_under_a_header_are_the_messages_own():
    assert _changes("price update:\n&gt; reuben 13.50\n&gt; tuna melt 11") == [
        ("Reuben", "13.50"),
        ("Tuna Melt", "11.00"),
    ]


def test_a_message_that_is_all_quote_reads_as_the_quote():
    assert _changes("&gt; tuna melt 11") == [("Tuna Melt", "11.00")]
