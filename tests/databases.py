"""Real databases for tests: a SQLite file per test, or a fresh Postgres database per test session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from diner_agent.menu.db import upgrade
from diner_agent.menu.models import Base


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server of `server_url`, migrate it, and drop it afterwards."""
    name = f"diner_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def truncate_all(url: str) -> None:
    """Empty every table (between tests sharing one Postgres database)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


def sqlite_database(directory) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{directory}/diner-test.db"
    upgrade(url)
    return url
