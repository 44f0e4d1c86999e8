"""A YES confirms only what its sender was last asked: the sender's next change or question drops the
request waiting for them, and the reply to a YES names what it applied."""

from __future__ import annotations

import itertools

import pytest

from tests.sample import DEMO, DEMO_DANA, DEMO_SAM, sms

_ids = itertools.count()


def text(body: str, sender: str = DEMO_DANA):
    """A text to the demo diner with a fresh message id, as SMS and Slack always deliver one."""
    return sms(body, sender=sender, tenant=DEMO, message_id=f"SM-last-{next(_ids)}")


def cents(menus, name: str) -> int:
    return menus.item(DEMO, name).price_cents


def test_a_change_in_between_drops_the_waiting_request(service, menus):
    ask = service.handle(text("hot tea 9"))
    assert ask.kind == "confirm" and "Hot Tea" in ask.text
    assert service.handle(text("coffee 3.10")).kind == "applied"
    late = service.handle(text("yes"))
    assert late.kind == "info" and late.text.startswith("Nothing is waiting")
    assert "Hot Tea" in late.text and "Nothing changed" in late.text  # it says which request was dropped
    assert (cents(menus, "Hot Tea"), cents(menus, "Coffee")) == (225, 310)
    assert menus.state.pending[ask.pending_id].status == "superseded"


def test_a_yes_long_after_a_dropped_request_does_not_bring_it_up(service, menus, clock):
    service.handle(text("hot tea 9"))
    service.handle(text("coffee 3.10"))
    clock.advance(hours=3)
    assert service.handle(text("yes")).text == "Nothing is waiting for a YES or NO."
    assert cents(menus, "Hot Tea") == 225


def test_yes_names_what_it_applied(service, menus):
    service.handle(text("hot tea 9"))
    done = service.handle(text("yes"))
    assert done.kind == "applied"
    assert done.text == "Done. Hot Tea: $2.25 -> $9.00. Reply UNDO to revert."
    assert cents(menus, "Hot Tea") == 900


@pytest.mark.parametrize(
    "between",
    ["how much is the coffee?", "menu", "hours", "help", "undo", "tea 3", "86 the lobster"],
    ids=["price question", "menu", "hours", "help", "undo", "ambiguous item", "unknown item"],
)
def test_a_question_or_any_other_command_in_between_drops_it(service, menus, between):
    ask = service.handle(text("hot tea 9"))
    service.handle(text(between))
    assert service.handle(text("yes")).text.startswith("Nothing is waiting")
    assert cents(menus, "Hot Tea") == 225
    assert menus.state.pending[ask.pending_id].status == "superseded"


def test_a_text_nobody_could_read_leaves_the_request_waiting(service, menus):
    service.handle(text("hot tea 9"))
    assert service.handle(text("zzq")).kind == "unknown"
    assert service.handle(text("yes")).kind == "applied"
    assert cents(menus, "Hot Tea") == 900


def test_the_newest_question_is_the_one_yes_answers(service, menus):
    service.handle(text("hot tea 9"))
    service.handle(text("coffee 9"))
    assert "Coffee" in service.handle(text("yes")).text
    assert (cents(menus, "Hot Tea"), cents(menus, "Coffee")) == (225, 900)


def test_a_refused_change_drops_it_too(service, menus):
    ask = service.handle(text("86 the frenhc toast", sender=DEMO_SAM))  # a typo, fuzzy: asked
    assert ask.kind == "confirm"
    assert service.handle(text("coffee 3", sender=DEMO_SAM)).kind == "refused"  # staff may not price
    assert service.handle(text("yes", sender=DEMO_SAM)).text.startswith("Nothing is waiting")
    assert menus.item(DEMO, "French Toast").available is True


def test_someone_elses_change_leaves_my_request_waiting(service, menus):
    service.handle(text("hot tea 9"))
    service.handle(text("86 the french toast", sender=DEMO_SAM))
    assert service.handle(text("yes")).kind == "applied"
    assert cents(menus, "Hot Tea") == 900


def test_a_button_for_an_older_request_no_longer_applies_it(service, menus):
    from diner_agent.commands.model import Inbound

    ask = service.handle(text("hot tea 9"))
    service.handle(text("coffee 3.10"))
    click = service.handle(Inbound(DEMO, "slack", "U0DANA", "confirm", pending_id=ask.pending_id))
    assert click.text.startswith("That request was replaced")
    assert cents(menus, "Hot Tea") == 225
