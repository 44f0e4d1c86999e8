"""On a real store (SQLite, and Postgres when configured): a YES confirms only what its sender was last
asked; the sender's next change or question drops the older request, and the YES's reply names what it
applied. Assertions are on the store: prices, and the request's recorded status."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from diner_agent.menu import models as m
from tests.sample import DEMO, DEMO_DANA, sms

_ids = itertools.count()


def text(body: str):
    return sms(body, sender=DEMO_DANA, tenant=DEMO, message_id=f"SM-asked-{next(_ids)}")


def price(store, name: str) -> int:
    return store.snapshot(DEMO).item_named(name).price_cents


def statuses(store) -> list[str]:
    with store.read() as session:
        rows = session.scalars(select(m.PendingConfirmation).order_by(m.PendingConfirmation.created_at)).all()
        return [row.status for row in rows]


def test_hot_tea_asked_coffee_applied_then_yes_applies_nothing(service, store):
    assert service.handle(text("hot tea 9")).kind == "confirm"
    assert service.handle(text("coffee 3.10")).kind == "applied"
    late = service.handle(text("yes"))
    assert late.text.startswith("Nothing is waiting") and "Hot Tea" in late.text
    assert (price(store, "Hot Tea"), price(store, "Coffee")) == (225, 310)
    assert statuses(store) == ["superseded"]


def test_a_question_in_between_drops_the_request(service, store):
    service.handle(text("hot tea 9"))
    assert "Coffee" in service.handle(text("how much is the coffee?")).text
    assert service.handle(text("yes")).text.startswith("Nothing is waiting")
    assert price(store, "Hot Tea") == 225


def test_yes_right_after_the_question_applies_it_and_names_it(service, store):
    service.handle(text("hot tea 9"))
    done = service.handle(text("yes"))
    assert done.text == "Done. Hot Tea: $2.25 -> $9.00. Reply UNDO to revert."
    assert price(store, "Hot Tea") == 900
    assert statuses(store) == ["applied"]
