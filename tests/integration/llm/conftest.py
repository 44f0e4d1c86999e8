"""An app wired to the loopback Cloudflare fake, with the sample diners loaded."""

from __future__ import annotations

import pytest

from diner_agent.app import create_app
from diner_agent.assembly import Assembly
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file
from tests.menus import DEMO_TENANT, SAMPLE_TENANT


@pytest.fixture
def make_app(db_url, clock, fake_cloudflare):
    """make_app(**settings): an app whose AI settings point at the fake (DESIGN 4.5 names, lowercase)."""
    apps = []

    def make(**overrides):
        settings = {key.lower(): value for key, value in fake_cloudflare.env().items()}
        settings.update(overrides)
        app = create_app(database_url=db_url, clock=clock, **settings)
        store = Assembly.of(app).store
        if not store.tenant_ids():
            load_tenants(store, read_tenant_file(SAMPLE_TENANT))
            load_tenants(store, read_tenant_file(DEMO_TENANT))
        apps.append(app)
        return app

    yield make
    for app in apps:
        Assembly.of(app).close()
