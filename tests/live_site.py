"""The whole app on a real loopback HTTP server, its AI settings pointing at the Cloudflare fake, with the
sample diners loaded and a web-chat token issued for blue-plate. Fixtures for the web and browser tests:

    from tests.live_site import make_site, site  # noqa: F401
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import openai
import pytest
from flask import Flask
from werkzeug.serving import make_server

from diner_agent.app import create_app
from diner_agent.assembly import Assembly
from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file
from tests.menus import DEMO_TENANT, SAMPLE_TENANT

ADMIN_TOKEN = "admin-test-token"
# Explicitly unset, so a developer's .env or .dev.vars cannot switch the AI back on in these tests.
NO_AI = {"cloudflare_ai_gateway_url": None, "cloudflare_account_id": None, "llm_base_url": None}


@dataclass
class Site:
    """One running app: its base URL, its store and blue-plate's web-chat token."""

    app: Flask
    url: str
    token: str

    @property
    def clock(self):  # the app's one clock (a FakeClock in every test)
        return Assembly.of(self.app).clock

    @property
    def store(self) -> MenuStore:
        return Assembly.of(self.app).store

    def openai(self, api_key: str | None = None, **kwargs) -> openai.OpenAI:
        """The official SDK pointed at this site (no retries: a refusal must show as one)."""
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=api_key or self.token, max_retries=0, **kwargs)


@pytest.fixture
def make_site(db_url, clock, fake_cloudflare):
    """make_site(ai=True, **settings): build an app, serve it on 127.0.0.1, issue blue-plate's token."""
    servers, apps = [], []

    def make(*, ai: bool = True, **overrides) -> Site:
        settings = {key.lower(): value for key, value in fake_cloudflare.env().items()} if ai else dict(NO_AI)
        settings.setdefault("admin_token", ADMIN_TOKEN)
        settings.update(overrides)
        app = create_app(database_url=db_url, clock=clock, **settings)
        apps.append(app)
        store = Assembly.of(app).store
        if not store.tenant_ids():
            load_tenants(store, read_tenant_file(SAMPLE_TENANT))
            load_tenants(store, read_tenant_file(DEMO_TENANT))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        servers.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return Site(app, f"http://127.0.0.1:{server.server_port}", store.issue_token("blue-plate"))

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()
    for app in apps:
        Assembly.of(app).close()


@pytest.fixture
def site(make_site) -> Site:
    return make_site()
