"""The command service on the in-memory store (tests/fakes/menus.py): its rules as unit tests."""

from __future__ import annotations

import pytest

from diner_agent.commands.service import CommandService
from tests.fakes.clock import FakeClock
from tests.fakes.menus import FakeMenus
from tests.menus import DEMO_TENANT, SAMPLE_TENANT


@pytest.fixture
def clock():
    return FakeClock(frozen=True)


@pytest.fixture
def menus(clock):
    """Both sample diners (blue-plate and demo-diner), in memory."""
    return FakeMenus.loaded(clock, SAMPLE_TENANT, DEMO_TENANT)


@pytest.fixture
def service(menus, clock):
    return CommandService(menus, clock=clock, public_base_url="https://diner.example")
