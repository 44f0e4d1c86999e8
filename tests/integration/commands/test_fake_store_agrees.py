"""The in-memory store the service's unit tests run on (tests/fakes/menus.py) answers as the SQL store does:
the same conversation, replayed on both, gets the same replies and leaves the same menus behind."""

from __future__ import annotations

from diner_agent.commands.service import CommandService
from tests.fakes.clock import FakeClock
from tests.fakes.menus import FakeMenus
from tests.menus import DEMO_TENANT, SAMPLE_TENANT
from tests.sample import BLUE_PLATE, DEMO, DEMO_DANA, SAM, STRANGER, sms

CONVERSATION = [
    ("86 the tuna melt and reuben", {}),
    ("86 the pot roast till 11", {}),
    ("86 the pecan pie for good", {}),
    ("86 the tots until monday", {"sender": SAM}),
    ("coffee 2.75", {}),
    ("coffee 2.75", {"message_id": "SM-1"}),
    ("coffee 3.10", {"message_id": "SM-1"}),  # a retry: the stored reply, nothing applied
    ("undo", {}),
    ("reuban 13.25", {}),
    ("yes", {}),
    ("coffee 9.00", {}),
    ("no", {}),
    ("closing at 2 today", {}),
    ("sat 8-2", {}),
    ("closed mondays", {}),
    ("undo", {}),
    ("emergency close, burst pipe", {}),
    ("we're open again", {}),
    ("undo", {}),
    ("86 the pot roast", {"sender": SAM}),
    ("coffee 5", {"sender": SAM}),
    ("undo", {"sender": SAM}),
    ("86 the pot roast", {"sender": STRANGER, "message_id": "SM-2"}),
    ("menu", {}),
    ("today's special: meatloaf sandwich 9.99", {}),
    ("meatloaf sandwich 10.50", {}),
    ("add patty melt 9.99 to lunch", {}),
    ("yes", {}),
    ("rename patty melt to turkey melt", {}),
    ("yes", {}),
    ("take the turkey melt off the menu for good", {}),
    ("yes", {}),
    ("undo", {}),
    ("take the reuben off the menu for good", {}),
    ("yes", {}),
    ("add reuben 13 to lunch", {}),
    ("yes", {}),
    ("what's 86'd?", {}),
    ("are we open christmas?", {}),
    ("hours", {}),
    ("86 the meatloaf", {"tenant": DEMO, "sender": DEMO_DANA}),
    ("undo", {}),
]


def replay(service, clock):
    replies = []
    for text, options in CONVERSATION:
        replies.append(service.handle(sms(text, **options)))
        clock.advance(minutes=1)
    return replies


def menus_of(menus):
    """What the public menu would show (versions and row ids differ between the two stores)."""
    out = {}
    for tenant in (BLUE_PLATE, DEMO):
        snapshot = menus.snapshot(tenant)
        items = [
            (i.name, i.category, i.price_cents, i.available, i.sold_out_until, i.special_until) for i in snapshot.items
        ]
        closures = [(c.reason, c.since, c.until) for c in snapshot.closures]
        out[tenant] = (items, snapshot.weekly, snapshot.special, closures)
    return out


def test_the_fake_store_answers_a_conversation_as_the_sql_store_does(store, clock):
    start = clock.now()
    real = replay(CommandService(store, clock=clock), clock)
    real_menus = menus_of(store)

    fake_clock = FakeClock(start)
    fake = FakeMenus.loaded(fake_clock, SAMPLE_TENANT, DEMO_TENANT)
    faked = replay(CommandService(fake, clock=fake_clock), fake_clock)

    assert [(r.text, r.kind, r.duplicate, r.undo, bool(r.pending_id)) for r in faked] == [
        (r.text, r.kind, r.duplicate, r.undo, bool(r.pending_id)) for r in real
    ]
    assert menus_of(fake) == real_menus
