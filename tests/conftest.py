"""Shared fixtures: real databases (SQLite always, Postgres when TEST_DATABASE_URL is set), a fake clock,
stores loaded with the sample diner, and command services."""

from __future__ import annotations

import pytest

from diner_agent.commands.service import CommandService
from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file
from tests.clock_travel import pytest_addoption, pytest_configure, pytest_report_header  # noqa: F401
from tests.databases import postgres_database, sqlite_database, truncate_all
from tests.fakes.clock import FakeClock
from tests.fakes.cloudflare_fixture import fake_cloudflare  # noqa: F401 (a fixture every suite may use)
from tests.menus import DEMO_TENANT, SAMPLE_TENANT
from tests.services import database_backends, postgres_url


@pytest.fixture(scope="session")
def _postgres_session_db():
    server = postgres_url()
    if server is None:
        yield None
        return
    with postgres_database(server) as url:
        yield url


@pytest.fixture(params=database_backends())
def db_url(request, tmp_path, _postgres_session_db):
    """A migrated, empty database: a fresh SQLite file, or the session's Postgres database emptied."""
    if request.param == "sqlite":
        return sqlite_database(tmp_path)
    truncate_all(_postgres_session_db)
    return _postgres_session_db


@pytest.fixture
def sqlite_url(tmp_path):
    return sqlite_database(tmp_path)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def store(db_url, clock):
    """A store holding the sample diner (blue-plate) and the demo diner."""
    store = MenuStore.from_url(db_url, clock=clock)
    load_tenants(store, read_tenant_file(SAMPLE_TENANT))
    load_tenants(store, read_tenant_file(DEMO_TENANT))
    yield store
    store.close()


@pytest.fixture
def service(store, clock):
    return CommandService(store, clock=clock, public_base_url="https://diner.example")
