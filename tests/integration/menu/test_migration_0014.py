"""Migration 0014 on a database made by 0001: the diner's one web-chat token keeps working as its owner's,
and a removed person's staff id is never handed out again."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from diner_agent.menu.db import upgrade
from diner_agent.menu.store import MenuStore, hash_token
from tests.services import database_backends, postgres_url


@pytest.fixture(params=database_backends())
def old_url(request, tmp_path):
    """An empty database at revision 0001."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/old.db"
        upgrade(url, "0001")
        yield url
        return
    server = postgres_url()
    name = f"diner_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url, "0001")
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrading_keeps_the_owners_token_and_never_reuses_a_staff_id(old_url):
    engine = create_engine(old_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO tenants (id, name, timezone, currency, slack_default_role, max_price_cents,"
            " web_token_hash, version) VALUES ('old-diner', 'Old', 'UTC', 'USD', 'none', 50000, :h, 1)"
        ), {"h": hash_token("dat_old-token")})  # fmt: skip
        for n in (1, 2):
            conn.execute(text(
                "INSERT INTO staff (tenant_id, name, phone, role) VALUES ('old-diner', :n, :p, 'staff')"
            ), {"n": f"P{n}", "p": f"+1555555020{n}"})  # fmt: skip
    engine.dispose()
    upgrade(old_url)
    store = MenuStore.from_url(old_url)
    try:
        holder = store.token_holder("dat_old-token")
        assert holder is not None and (holder.tenant_id, holder.role) == ("old-diner", "owner")
        with store.engine.begin() as conn:
            top = conn.scalar(text("SELECT max(id) FROM staff"))
            conn.execute(text("DELETE FROM staff WHERE id = :i"), {"i": top})
            conn.execute(text(
                "INSERT INTO staff (tenant_id, name, phone, role) VALUES ('old-diner', 'New', '+15555550299', 'owner')"
            ))  # fmt: skip
            assert conn.scalar(text("SELECT id FROM staff WHERE name = 'New'")) > top
    finally:
        store.close()
