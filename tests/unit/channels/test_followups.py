"""The one "answer within the budget, else follow up later" helper SMS and Slack share. Work is held on a
gate the test opens, so "slow" is deterministic; nothing here asserts how long anything took."""

from __future__ import annotations

import threading

import pytest

from diner_agent.channels.followups import LATE_LIMIT_SECONDS, InProcessFollowups
from tests.fakes.clock import FakeClock


@pytest.fixture
def followups():
    followups = InProcessFollowups(FakeClock(frozen=True))
    yield followups
    followups.close()


def test_an_answer_ready_in_time_comes_straight_back_and_nothing_follows(followups):
    later = []
    assert followups.answer(lambda deadline: "Coffee: $2.50 -> $2.75.", 5.0, later.append) == "Coffee: $2.50 -> $2.75."
    assert followups.wait_idle(5) and later == []


def test_a_late_answer_is_delivered_once_it_exists(followups):
    gate, later = threading.Event(), []
    assert followups.answer(lambda deadline: gate.wait(5) and "Reuben is now sold out.", 0.01, later.append) is None
    assert later == []  # still working
    gate.set()
    assert followups.wait_idle(5)
    assert later == ["Reuben is now sold out."]


def test_late_work_gets_the_late_limit_as_its_deadline(followups):
    deadlines = []
    followups.answer(deadlines.append, 5.0, lambda _: None)
    assert deadlines == [followups.clock.monotonic() + LATE_LIMIT_SECONDS]


def test_late_work_that_fails_is_delivered_as_none_and_logged(followups, caplog):
    gate, later = threading.Event(), []

    def work(deadline):
        gate.wait(5)
        raise RuntimeError("database on fire")

    assert followups.answer(work, 0.01, later.append) is None
    gate.set()
    assert followups.wait_idle(5)
    assert later == [None]
    assert any(r.exc_info and "database on fire" in str(r.exc_info[1]) for r in caplog.records)


def test_work_that_fails_in_time_raises_to_the_channel(followups):
    def work(deadline):
        raise RuntimeError("database on fire")

    with pytest.raises(RuntimeError, match="on fire"):
        followups.answer(work, 5.0, lambda _: None)
    assert followups.wait_idle(5)


def test_without_a_way_to_follow_up_the_work_runs_here_with_the_budget_as_its_deadline(followups):
    seen = []
    assert followups.answer(lambda deadline: seen.append((deadline, threading.current_thread())) or "ok", 8.0, None)
    assert seen == [(followups.clock.monotonic() + 8.0, threading.current_thread())]


def test_close_waits_for_late_work_taken_on(followups):
    gate, later = threading.Event(), []
    followups.answer(lambda deadline: gate.wait(5) and "done", 0.01, later.append)
    threading.Timer(0.05, gate.set).start()
    followups.close()
    assert later == ["done"]
