"""'close for 2 hours' on a real store (SQLite, and Postgres when configured) on both 2027 US DST mornings:
the closure the public menu shows ends two real hours later, and not an hour sooner or later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.sample import DEMO, DEMO_DANA, sms

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "local_end"),
    [
        (datetime(2027, 3, 14, 6, 30, tzinfo=UTC), "2027-03-14T04:30:00-04:00"),  # 1:30 EST, then spring forward
        (datetime(2027, 11, 7, 5, 30, tzinfo=UTC), "2027-11-07T02:30:00-05:00"),  # 1:30 EDT, then fall back
    ],
    ids=["spring forward", "fall back"],
)
def test_a_two_hour_closure_lasts_two_real_hours(service, store, clock, now, local_end):
    clock.set(now)
    reply = service.handle(sms("close for 2 hours", sender=DEMO_DANA, tenant=DEMO, message_id=f"SM-dst-{now:%m}"))
    assert reply.kind == "applied" and reply.text.startswith("Demo Diner is now closed until")
    closure = store.snapshot(DEMO).closure_at(now)
    assert closure is not None and closure.until - now == timedelta(hours=2)
    assert closure.until.astimezone(NY).isoformat() == local_end
    assert store.snapshot(DEMO).closure_at(now + timedelta(minutes=119)) is not None
    assert store.snapshot(DEMO).closure_at(now + timedelta(hours=2)) is None
