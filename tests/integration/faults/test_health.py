"""/livez, /readyz and /healthz on a real database: ready when migrated to the code's head, not ready
(a quick 503 naming the check) when the schema is behind; /livez answers either way."""

from __future__ import annotations

from sqlalchemy import text

from diner_agent.menu.db import migration_state


def test_ready_only_at_the_code_s_migration_head(make_app, store):
    client = make_app().test_client()
    assert client.get("/livez").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ok", "database": "ok", "migrations": "ok"}
    _current, head = migration_state(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json()["migrations"] == f"at 0000, code expects {head}"
    assert client.get("/healthz").status_code == 200 and client.get("/livez").status_code == 200
