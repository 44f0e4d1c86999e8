"""Sold out until a time, end to end on the SQL store: the reply says when, the public menu carries
`back_at`, and the item is back by itself at that moment (the fake clock crossing closing and opening),
with nothing running on a timer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from diner_agent.app import create_app
from diner_agent.assembly import Assembly
from tests.sample import SAM, sms


@pytest.fixture
def app(store, db_url, clock):
    app = create_app(database_url=db_url, clock=clock)
    yield app
    Assembly.of(app).close()


def item(client, name):
    doc = client.get("/menu/blue-plate.json").get_json()
    return next(i for i in doc["items"] if i["name"] == name)


def test_sold_out_for_today_comes_back_at_the_next_opening_by_itself(app, clock):
    client, service = app.test_client(), Assembly.of(app).service
    reply = service.handle(sms("86 the pot roast for today"))
    assert reply.text.startswith("Pot Roast is now sold out until tomorrow 7am. Text 'pot roast is back' sooner.")
    assert item(client, "Pot Roast") | {} == {
        "name": "Pot Roast",
        "category": "Dinner",
        "price": "15.95",
        "available": False,
        "back_at": "2026-11-27T07:00:00-05:00",
    }
    clock.advance(hours=5, minutes=30)  # Thursday 15:30: closed for the day, still sold out
    assert item(client, "Pot Roast")["available"] is False
    assert client.get("/menu/blue-plate.json").get_json()["today"]["open_now"] is False
    clock.advance(hours=15, minutes=29)  # Friday 06:59
    assert item(client, "Pot Roast")["available"] is False
    clock.advance(minutes=1)  # Friday 07:00: the diner opens and the pot roast is back
    assert item(client, "Pot Roast") == {
        "name": "Pot Roast",
        "category": "Dinner",
        "price": "15.95",
        "available": True,
        "back_at": None,
    }
    assert "Pot Roast" not in service.handle(sms("menu")).text.split("Nothing is sold out")[0]


def test_for_good_stays_off_and_undo_restores_the_earlier_end(app, clock):
    client, service = app.test_client(), Assembly.of(app).service
    service.handle(sms("86 the reuben till 5", sender=SAM))
    assert item(client, "Reuben")["back_at"] == "2026-11-26T17:00:00-05:00"
    reply = service.handle(sms("86 the reuben for good", sender=SAM))
    assert reply.text.startswith("Reuben is now sold out until you text 'reuben is back'.")
    clock.advance(days=3)
    assert item(client, "Reuben") | {"price": None} == {
        "name": "Reuben",
        "category": "Lunch",
        "price": None,
        "available": False,
        "back_at": None,
    }
    clock.advance(days=-3)
    undone = service.handle(sms("undo", sender=SAM))
    assert "Reuben is now sold out until 5pm" in undone.text
    assert item(client, "Reuben")["back_at"] == "2026-11-26T17:00:00-05:00"


def test_86_again_after_it_came_back_reads_the_old_value_as_available(app, clock, store):
    service = Assembly.of(app).service
    service.handle(sms("86 the tuna melt till 11"))
    clock.advance(hours=2)  # 12:00: back by itself
    assert store.snapshot("blue-plate").item_named("Tuna Melt").available is True
    reply = service.handle(sms("86 the tuna melt for good"))
    assert reply.text.startswith("Tuna Melt is now sold out until you text")  # not "was already sold out"
    assert service.handle(sms("tuna melt is back")).text.startswith("Tuna Melt is back on the menu.")
    clock.advance(timedelta(days=1).total_seconds())
    assert store.snapshot("blue-plate").item_named("Tuna Melt").available is True
