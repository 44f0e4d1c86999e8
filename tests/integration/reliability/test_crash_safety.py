"""A worker killed in the middle of applying a text leaves no partial change, and the retry applies it."""

from __future__ import annotations

import multiprocessing
import os

from tests.integration.reliability.workers import die_mid_change, kill
from tests.polling import eventually
from tests.sample import sms


def test_a_worker_killed_mid_change_leaves_nothing_half_done(store, service, db_url, clock, tmp_path):
    ready = tmp_path / "ready"
    worker = multiprocessing.get_context("spawn").Process(
        target=die_mid_change,
        args=(db_url, "86 the pot roast and tuna melt", "SM-crash", str(ready), clock.now().isoformat()),
    )
    worker.start()
    assert eventually(ready.exists, timeout=30), "the worker never reached the middle of its change"
    kill(int(ready.read_text()))
    worker.join(10)

    snap = store.snapshot("blue-plate")
    assert snap.item_named("Pot Roast").available and snap.item_named("Tuna Melt").available
    assert store.processed_reply("sms", "SM-crash") is None  # not recorded, so Twilio's retry will apply it

    retry = service.handle(sms("86 the pot roast and tuna melt", message_id="SM-crash"))
    assert retry.kind == "applied"
    snap = store.snapshot("blue-plate")
    assert not snap.item_named("Pot Roast").available and not snap.item_named("Tuna Melt").available
    assert os.path.exists(ready)
