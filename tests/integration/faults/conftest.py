"""Fixtures for the fault suite: the channel tests' apps, the fake Twilio REST API, a redis-server of
the suite's own and a fresh Postgres database per test (docs/availability.md says what each proves).

The database faults need Postgres (that is where connections are dropped): they are collected when
TEST_DATABASE_URL is set, and with REQUIRE_SERVICES=1 a missing server stops the run."""

import pytest

from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file
from tests.databases import postgres_database, sqlite_database
from tests.fakes.twilio_rest import FakeTwilioRest
from tests.integration.channels.conftest import fake_slack, make_app  # noqa: F401 (fixtures used below)
from tests.integration.faults.servers import ThrowawayRedis
from tests.menus import DEMO_TENANT, SAMPLE_TENANT
from tests.services import postgres_url

collect_ignore = [] if postgres_url() else ["test_database_faults.py"]


@pytest.fixture
def db_url(tmp_path):
    """The apps' own database: SQLite (the database faults use `fresh_postgres`, their own Postgres)."""
    return sqlite_database(tmp_path)


@pytest.fixture
def own_redis(tmp_path):
    server = ThrowawayRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def twilio_rest():
    with FakeTwilioRest() as fake:
        yield fake


@pytest.fixture
def fresh_postgres(clock):
    """A migrated Postgres database of this test's own, holding both sample diners."""
    with postgres_database(postgres_url()) as url:
        store = MenuStore.from_url(url, clock=clock)
        load_tenants(store, read_tenant_file(SAMPLE_TENANT))
        load_tenants(store, read_tenant_file(DEMO_TENANT))
        store.close()
        yield url
