"""Engines and schema migrations for the menu store.

SQLite is the one-machine default: WAL so readers never block the writer, a busy timeout so writers queue
instead of failing, and `BEGIN IMMEDIATE` for write transactions so two writers never both read and then
deadlock on the upgrade to a write lock. Postgres is the scale-out path (`postgresql+psycopg://`).

Every Postgres wait has a deadline (docs/availability.md): a connect timeout, a server-side statement
timeout, TCP keepalives and a TCP user timeout (a partition is noticed in seconds, not at the kernel's
two hours), a bound on waiting for a pooled connection, and a pre-ping on checkout so a connection the
server dropped (a restart, `pg_terminate_backend`, a proxy's idle cut) is replaced before it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Deadlines:
    """How long the store waits for Postgres (settings DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT_MS, DB_POOL_TIMEOUT)."""

    connect_timeout: int = 3  # seconds (libpq takes whole seconds)
    statement_timeout_ms: int = 5000  # 0: none
    pool_timeout: float = 3.0  # seconds to wait for a free pooled connection
    keepalive_idle: int = 5  # seconds of silence before the first TCP keepalive probe
    keepalive_interval: int = 2
    keepalive_count: int = 2
    tcp_user_timeout_ms: int = 6000  # unacknowledged data for this long: the connection is dead


def postgres_connect_args(deadlines: Deadlines) -> dict[str, object]:
    """libpq connection parameters for `deadlines` (psycopg passes them on as keywords)."""
    options = f"-c statement_timeout={deadlines.statement_timeout_ms}"
    return {
        "connect_timeout": deadlines.connect_timeout,
        "keepalives": 1,
        "keepalives_idle": deadlines.keepalive_idle,
        "keepalives_interval": deadlines.keepalive_interval,
        "keepalives_count": deadlines.keepalive_count,
        "tcp_user_timeout": deadlines.tcp_user_timeout_ms,
        "options": options,
    }


def make_engine(url: str, *, echo: bool = False, deadlines: Deadlines | None = None) -> Engine:
    """Create an engine for `url`, creating the directory of a SQLite file when needed."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        deadlines = deadlines or Deadlines()
        # The pre-ping costs a round trip per checkout; without it the first statement after the server
        # dropped a pooled connection fails, and that is a lost text (the store retries once anyway).
        # Errors never show their parameters (phone numbers, message texts): a logged traceback cannot leak them.
        return create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_recycle=300,
            pool_size=5,
            max_overflow=10,
            pool_timeout=deadlines.pool_timeout,
            connect_args=postgres_connect_args(deadlines),
            hide_parameters=True,
        )

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


def migration_state(engine: Engine) -> tuple[str | None, str | None]:
    """(the revision the database is at, the newest revision this code ships): equal when migrated."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head
