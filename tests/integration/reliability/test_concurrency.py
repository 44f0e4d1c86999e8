"""Many workers changing one diner at once: nothing lost, nothing applied twice (SQLite and Postgres).

Workers are separate processes with their own engines, like gunicorn workers; they start together at
a shared instant so their transactions really overlap.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import pytest
from sqlalchemy import func, select

from diner_agent.menu import models as m
from tests.integration.reliability.workers import handle_texts
from tests.sample import DANA

PRICES = {
    "Coffee": "3.10", "Iced Tea": "3.20", "Lemonade": "3.30", "Side Salad": "4.40", "Reuben": "13.10",
    "Tuna Melt": "10.60", "Pot Roast": "16.10", "Tater Tots": "3.90",
}  # fmt: skip


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(max_workers=4, mp_context=multiprocessing.get_context("spawn")) as executor:
        yield executor


def _run(pool, db_url, clock, batches):
    start_at = time.monotonic() + 1.5  # every worker has imported and connected by then
    now = clock.now().isoformat()  # the workers' clocks read what the test's fake clock reads
    futures = [pool.submit(handle_texts, db_url, batch, start_at, now) for batch in batches]
    return [f.result(timeout=60) for f in futures]


def test_simultaneous_changes_from_four_workers_are_all_kept(pool, store, db_url, clock):
    names = list(PRICES)
    batches = [[(DANA, f"{name} {PRICES[name]}", f"SM-price-{name}") for name in names[w::4]] for w in range(4)]
    batches[0] += [(DANA, "86 the pecan pie", "SM-86-pecan")]
    batches[1] += [(DANA, "86 the key lime pie", "SM-86-lime")]
    batches[2] += [(DANA, "closing at 2 today", "SM-hours")]
    batches[3] += [(DANA, "closed mondays", "SM-mon")]
    replies = _run(pool, db_url, clock, batches)
    assert all("Reply UNDO" in r for batch in replies for r in batch)

    snap = store.snapshot("blue-plate")
    for name, price in PRICES.items():
        assert snap.item_named(name).price_cents == int(price.replace(".", "")), name
    assert not snap.item_named("Pecan Pie").available and not snap.item_named("Key Lime Pie").available
    assert "mon" not in snap.weekly and len(snap.special) == 1
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(m.AuditEntry)) == len(PRICES) + 4


def test_the_same_message_delivered_to_four_workers_at_once_applies_once(pool, store, db_url, clock):
    batch = [(DANA, "raise the reuben by 1", "SM-dup")]
    replies = _run(pool, db_url, clock, [batch] * 4)
    assert len({r[0] for r in replies}) == 1  # everyone answers with the one stored reply
    assert store.snapshot("blue-plate").item_named("Reuben").price_cents == 1350
    with store.read() as s:
        audits = s.scalar(select(func.count()).select_from(m.AuditEntry).where(m.AuditEntry.message_id == "SM-dup"))
    assert audits == 1


def test_two_relative_raises_at_once_never_lose_one(pool, store, db_url, clock):
    """Both read $2.50; the second to commit must not silently write $2.75 over $2.75."""
    batches = [[(DANA, "raise coffee by 25 cents", "SM-raise-a")], [(DANA, "raise coffee by 25 cents", "SM-raise-b")]]
    replies = _run(pool, db_url, clock, batches)
    price = store.snapshot("blue-plate").item_named("Coffee").price_cents
    texts = [r[0] for r in replies]
    if price == 275:
        assert any("just changed" in t for t in texts), texts  # one was refused, and said so
    else:
        assert price == 300
