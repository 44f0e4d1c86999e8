"""Specials and menu edits on the SQL store (SQLite and Postgres): a special shows until close and leaves by
itself, can be 86'd, repriced and undone; adding, renaming and removing wait for YES, are owners' only,
and are undone like any change. The fake clock crosses the closing time."""

from __future__ import annotations

from tests.sample import SAM, sms


def names(store):
    return [(i.name, i.category) for i in store.snapshot("blue-plate").items]


def test_a_special_lasts_until_close_and_behaves_like_an_item(service, store, clock):
    reply = service.handle(sms("today's special: meatloaf sandwich 9.99"))
    assert reply.kind == "applied" and reply.text == "Special: Meatloaf Sandwich $9.99 until 3pm. Reply UNDO to revert."
    assert names(store)[0] == ("Meatloaf Sandwich", "Specials")
    assert service.handle(sms("meatloaf sandwich 10.50")).text.startswith("Meatloaf Sandwich: $9.99 -> $10.50.")
    assert service.handle(sms("86 the meatloaf sandwich", sender=SAM)).kind == "applied"  # staff may 86 it
    assert store.snapshot("blue-plate").item_named("Meatloaf Sandwich").available is False
    clock.advance(hours=4, minutes=59)  # 14:59
    assert store.snapshot("blue-plate").item_named("Meatloaf Sandwich") is not None
    clock.advance(minutes=1)  # 15:00: closed, the special is gone with nothing written
    assert store.snapshot("blue-plate").item_named("Meatloaf Sandwich") is None
    # The next day the same name is a new special (the old row is reused; names are unique per diner).
    clock.advance(hours=17)
    again = service.handle(sms("special: meatloaf sandwich 9.50 till 11"))
    assert again.text == "Special: Meatloaf Sandwich $9.50 until 11am. Reply UNDO to revert."
    assert store.snapshot("blue-plate").item_named("Meatloaf Sandwich").available is True
    assert service.handle(sms("undo")).text == "Undone. Meatloaf Sandwich is off the menu for good."
    assert store.snapshot("blue-plate").item_named("Meatloaf Sandwich") is None


def test_add_rename_remove_wait_for_yes_and_undo_restores(service, store, clock):
    ask = service.handle(sms("add patty melt 9.99 to lunch"))
    assert ask.kind == "confirm" and ask.text.startswith("Please confirm: Added Patty Melt to Lunch, $9.99.")
    assert store.snapshot("blue-plate").item_named("Patty Melt") is None
    assert "Added Patty Melt to Lunch, $9.99." in service.handle(sms("yes")).text
    lunch = [n for n, c in names(store) if c == "Lunch"]
    assert lunch[-1] == "Patty Melt"

    clock.advance(seconds=30)
    service.handle(sms("rename patty melt to turkey melt"))
    assert "Patty Melt is now called Turkey Melt." in service.handle(sms("yes")).text
    assert service.handle(sms("86 turkey melt for good")).kind == "applied"  # the renamed item, one of it

    clock.advance(seconds=30)
    service.handle(sms("take the turkey melt off the menu for good"))
    assert "Turkey Melt is off the menu for good." in service.handle(sms("yes")).text
    assert store.snapshot("blue-plate").item_named("Turkey Melt") is None
    assert service.handle(sms("undo")).text == "Undone. Turkey Melt is back on the menu."
    restored = store.snapshot("blue-plate").item_named("Turkey Melt")
    assert restored is not None and restored.available is False  # it comes back as it was


def test_staff_cannot_edit_the_menu_and_a_taken_name_is_refused(service, store):
    refused = service.handle(sms("add patty melt 9.99 to lunch", sender=SAM))
    assert refused.kind == "refused" and "only an owner can add menu items" in refused.text
    assert service.handle(sms("special: pie flight 8", sender=SAM)).kind == "refused"
    assert "Coffee is already on the menu" in service.handle(sms("rename reuben to coffee")).text
    assert store.snapshot("blue-plate").item_named("Reuben") is not None
