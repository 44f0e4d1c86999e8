"""CommandService against a real store (SQLite, and Postgres when configured), with a fake clock.

Every test asserts on the store's state, not on calls: what the public menu would show afterwards.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from diner_agent.menu.hours import is_open
from tests.sample import DANA, DEMO_DANA, SAM, STRANGER, sms


def item(store, name: str, tenant: str = "blue-plate"):
    return store.snapshot(tenant).item_named(name)


def test_price_change_is_applied_with_old_and_new_and_undo_hint(service, store):
    reply = service.handle(sms("coffee 2.75", message_id="SM1"))
    assert reply.kind == "applied"
    assert reply.text == "Coffee: $2.50 -> $2.75. Reply UNDO to revert."
    assert item(store, "Coffee").price_cents == 275


def test_a_retried_message_id_applies_nothing_and_gets_the_same_reply(service, store):
    first = service.handle(sms("coffee 2.75", message_id="SM-retry"))
    service.handle(sms("coffee 3.00", message_id="SM-other"))
    again = service.handle(sms("coffee 2.75", message_id="SM-retry"))
    assert again.duplicate and again.text == first.text
    assert item(store, "Coffee").price_cents == 300  # the retry did not set it back to 2.75


def test_staff_may_86_items_but_not_change_prices(service, store):
    assert service.handle(sms("86 the pot roast", sender=SAM)).kind == "applied"
    assert item(store, "Pot Roast").available is False
    refused = service.handle(sms("coffee 9", sender=SAM))
    assert refused.kind == "refused" and "owner" in refused.text
    assert item(store, "Coffee").price_cents == 250


def test_unknown_sender_is_refused_and_nothing_changes(service, store):
    reply = service.handle(sms("86 the pot roast", sender=STRANGER, message_id="SM-x"))
    assert reply.kind == "refused"
    assert item(store, "Pot Roast").available is True
    assert store.processed_reply("sms", "SM-x") == reply.text


def test_staff_of_one_diner_cannot_change_another(service, store):
    reply = service.handle(sms("86 meatloaf", sender=DANA, tenant="demo-diner"))
    assert reply.kind == "refused"
    assert item(store, "Meatloaf", "demo-diner").available is True


def test_fuzzy_match_waits_for_yes(service, store):
    ask = service.handle(sms("reuban 13.25"))
    assert ask.kind == "confirm" and ask.pending_id and "YES" in ask.text
    assert item(store, "Reuben").price_cents == 1250
    done = service.handle(sms("yes"))
    assert done.kind == "applied"
    assert item(store, "Reuben").price_cents == 1325
    assert service.handle(sms("yes")).text.startswith("Nothing is waiting")


def test_no_cancels_a_pending_change(service, store):
    service.handle(sms("coffee 9.00"))  # +260%: large change
    assert "Cancelled" in service.handle(sms("no")).text
    assert item(store, "Coffee").price_cents == 250


def test_a_pending_change_expires_after_ten_minutes(service, store, clock):
    service.handle(sms("coffee 9.00"))
    clock.advance(minutes=11)
    assert "expired" in service.handle(sms("yes")).text
    assert item(store, "Coffee").price_cents == 250


def test_yes_from_someone_else_does_not_confirm_my_change(service, store):
    service.handle(sms("86 the reuban", sender=SAM))  # fuzzy: waits for Sam's YES
    assert service.handle(sms("yes", sender=DANA)).text.startswith("Nothing is waiting")
    assert item(store, "Reuben").available is True
    service.handle(sms("yes", sender=SAM))
    assert item(store, "Reuben").available is False


def test_undo_reverts_the_senders_last_change_batch(service, store):
    service.handle(sms("86 the patty melt and tuna melt"))
    service.handle(sms("coffee 2.75"))
    assert service.handle(sms("undo")).kind == "applied"
    assert item(store, "Coffee").price_cents == 250
    service.handle(sms("undo"))
    assert item(store, "Tuna Melt").available is True
    assert "no change" in service.handle(sms("undo")).text


def test_undo_refuses_when_someone_changed_it_since(service, store):
    service.handle(sms("86 the reuben"))
    service.handle(sms("reuben is back", sender=SAM))
    reply = service.handle(sms("undo"))
    assert "changed again" in reply.text
    assert item(store, "Reuben").available is True


def test_undo_only_reaches_back_24_hours(service, store, clock):
    service.handle(sms("coffee 2.75"))
    clock.advance(hours=25)
    assert "no change" in service.handle(sms("undo")).text
    assert item(store, "Coffee").price_cents == 275


def test_closing_early_today_changes_only_today(service, store, clock):
    reply = service.handle(sms("closing at 2 today"))
    assert reply.text.startswith("Today: 7am-3pm -> 7am-2pm")
    snapshot = store.snapshot("blue-plate")
    assert snapshot.weekly["thu"] == (("07:00", "15:00"),)
    clock.set(datetime.fromisoformat("2026-11-26T14:30:00-05:00"))
    assert is_open(store.snapshot("blue-plate"), clock.now()) is False


def test_emergency_close_ends_by_itself_at_until(service, store, clock):
    service.handle(sms("close the diner until 11am, no water"))
    snapshot = store.snapshot("blue-plate")
    closure = snapshot.closure_at(clock.now())
    assert closure is not None and closure.reason == "no water"
    assert is_open(snapshot, clock.now()) is False
    clock.set(datetime.fromisoformat("2026-11-26T11:01:00-05:00"))
    assert is_open(store.snapshot("blue-plate"), clock.now()) is True


def test_reopen_ends_the_closure_and_undo_brings_it_back(service, store, clock):
    service.handle(sms("emergency close, burst pipe"))
    assert "open again" in service.handle(sms("we're open again")).text
    assert is_open(store.snapshot("blue-plate"), clock.now())
    service.handle(sms("undo"))
    assert not is_open(store.snapshot("blue-plate"), clock.now())


def test_nothing_is_half_applied(service, store):
    reply = service.handle(sms("86 the meatloaf and lobster", tenant="demo-diner", sender=DEMO_DANA))
    assert "not on the menu" in reply.text
    assert item(store, "Meatloaf", "demo-diner").available is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\x00\x07\x1b[31m",
        "x" * 5000,
        "\U0001f354\U0001f354\U0001f525",
        "'; DROP TABLE items; --",
        "{{7*7}} ${7*7} <script>alert(1)</script>",
        "coffee -3",
        "coffee 99999",
        "coffee 2.999",
        "close at 25:00 today",
        "open 7-3 on funday",
        "86",
        "$$$",
    ],
)
def test_bad_input_gets_a_clear_reply_and_changes_nothing(service, store, text):
    before = store.snapshot("blue-plate")
    reply = service.handle(sms(text))
    assert reply.text.strip()
    assert reply.kind != "applied"
    after = store.snapshot("blue-plate")
    assert after.items == before.items and after.weekly == before.weekly and after.special == before.special
    assert all(ord(ch) < 0x2000 for ch in reply.text)


def test_replies_are_gsm7_and_at_most_320_characters(service, store):
    for text in ("menu", "hours", "help", "86 " + ", ".join(i.name for i in store.snapshot("blue-plate").items)):
        reply = service.handle(sms(text))
        assert len(reply.text) <= 320, text
        assert reply.text.encode("ascii", "ignore").decode() == reply.text or "£" in reply.text


def test_undo_of_a_one_day_change_restores_the_weekly_hours(service, store):
    service.handle(sms("closing at 2 today"))
    reply = service.handle(sms("undo"))
    assert "7am-2pm -> 7am-3pm" in reply.text
    assert store.snapshot("blue-plate").special == {}


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("is the reuben 86?", "Reuben is available, $12.50"),
        ("are we closed today?", "Today: 7am-3pm"),
        ("do we close at 3 today?", "Today: 7am-3pm"),
        ("is coffee 3.25?", "Coffee is available, $2.50"),
    ],
)
def test_questions_are_answered_and_change_nothing(service, store, text, answer):
    before = store.snapshot("blue-plate")
    reply = service.handle(sms(text))
    assert answer in reply.text and "command" in reply.text
    after = store.snapshot("blue-plate")
    assert after.items == before.items and after.special == before.special and after.closures == before.closures


def test_a_polite_request_is_still_a_command(service, store):
    assert service.handle(sms("can you 86 the reuben?")).kind == "applied"
    assert not item(store, "Reuben").available
