"""Engines and schema migrations for the menu store.

SQLite is the one-machine default: WAL so readers never block the writer, a busy timeout so writers queue
instead of failing, and `BEGIN IMMEDIATE` for write transactions so two writers never both read and then
deadlock on the upgrade to a write lock. Postgres is the scale-out path (`postgresql+psycopg://`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
IMMEDIATE = "diner_immediate"  # execution option: this transaction will write
AUTOCOMMIT_READ = "diner_autocommit_read"  # execution option: single-statement reads, no BEGIN on SQLite


def normalize_url(url: str) -> str:
    """Accept the plain `postgres://` / `postgresql://` forms hosts hand out and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for `url`, creating the directory of a SQLite file when needed."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No pre-ping: it costs a round trip on every checkout, several per message; connections are
        # recycled before servers or proxies drop idle ones instead. Errors never show their parameters
        # (phone numbers, message texts), so a logged traceback cannot leak them.
        return create_engine(url, echo=echo, pool_recycle=300, pool_size=5, max_overflow=10, hide_parameters=True)

    database = parsed.database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be shared by workers; use a file path")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,  # errors and echo never show the values: phone numbers, message texts
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event below issue BEGIN, instead of pysqlite's implicit, deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        options = connection.get_execution_options()
        if options.get(AUTOCOMMIT_READ):
            return  # a lone SELECT runs in its own implicit transaction
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(IMMEDIATE) else "BEGIN")

    return engine


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's ini interpolation treats % specially (URL-encoded passwords contain it).
    config.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` up to `revision` (idempotent)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
