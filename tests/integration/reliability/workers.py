"""Code run in separate worker processes by the reliability tests (spawned, so each has its own
interpreter, engine and connection pool, as gunicorn workers do).

Each worker runs on a FakeClock started at the moment the test hands it (the test's own fake "now"),
so what it writes is dated like everything the test's fixtures write, on any real date. The shared
start instant is `time.monotonic()`, one system-wide clock no test moves."""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import datetime

from sqlalchemy import event

from tests.fakes.clock import FakeClock


def handle_texts(db_url: str, texts: list[tuple[str, str, str]], start_at: float, now: str) -> list[str]:
    """Handle (sender, text, message_id) triples once the shared start time comes (monotonic), on a clock
    set to `now` (ISO); return the replies."""
    from diner_agent.commands.model import Inbound
    from diner_agent.commands.service import CommandService
    from diner_agent.menu.store import MenuStore

    store = MenuStore.from_url(db_url, clock=FakeClock(datetime.fromisoformat(now)))
    service = CommandService(store, clock=store.clock)
    while time.monotonic() < start_at:
        time.sleep(0.001)
    replies = []
    for sender, text, message_id in texts:
        replies.append(service.handle(Inbound("blue-plate", "sms", sender, text, message_id=message_id)).text)
    store.close()
    return replies


def die_mid_change(db_url: str, text: str, message_id: str, ready_path: str, now: str) -> None:
    """Apply `text`, but freeze right after the first row of the change is written, announce it in
    `ready_path`, and wait to be killed (the test sends SIGKILL)."""
    from diner_agent.commands.service import CommandService
    from diner_agent.menu.store import MenuStore
    from tests.sample import sms

    store = MenuStore.from_url(db_url, clock=FakeClock(datetime.fromisoformat(now)))

    @event.listens_for(store.engine, "after_cursor_execute")
    def _freeze(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE ITEMS"):
            with open(ready_path, "w") as f:
                f.write(str(os.getpid()))
            time.sleep(60)  # the test kills us here, inside the open transaction

    service = CommandService(store, clock=store.clock)
    service.handle(sms(text, message_id=message_id))
    sys.exit(0)  # pragma: no cover (never reached)


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
