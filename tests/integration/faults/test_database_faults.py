"""Dropped database connections lose no text, and a database that is really down gets honest answers.

- Connections terminated mid-traffic (`pg_terminate_backend` on a database of this test's own, four
  times a second while four threads text price changes and a fifth reads the public menu): every
  text is applied exactly once or answered "couldn't save that" (never "something went wrong", which
  would hide a lost change), and the public menu never answers a 5xx other than a 503 with Retry-After.
- The database unreachable (nothing listens on its port): the SMS answer says nothing was saved, the
  public menu is a 503 with Retry-After, /readyz a quick 503 and /livez still 200.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from diner_agent.commands.replies import SORRY, STORE_DOWN
from diner_agent.menu.store import MenuStore
from tests.integration.channels.webhooks import audit_count, signed_sms, sms_form, twiml_messages
from tests.integration.faults.servers import free_port, terminate_backends

TEXTS = 80


def test_terminated_connections_lose_no_text(make_app, fresh_postgres, store):
    app = make_app(database_url=fresh_postgres)
    stop = threading.Event()
    menu_statuses: list[tuple[int, str | None]] = []
    killed = [0]

    def terminator() -> None:
        while not stop.is_set():
            killed[0] += terminate_backends(fresh_postgres)
            time.sleep(0.25)

    def reader() -> None:
        reading = app.test_client()
        while not stop.is_set():
            response = reading.get("/menu/blue-plate.json")
            menu_statuses.append((response.status_code, response.headers.get("Retry-After")))

    def text(n: int) -> str:
        # Prices between 2.50 and 3.29: each a small change, applied at once, from any earlier one.
        reply = signed_sms(app.test_client(), sms_form(f"coffee {2.50 + (n % 80) / 100:.2f}"))
        assert reply.status_code == 200
        return twiml_messages(reply.get_data(as_text=True))[0]

    background = [threading.Thread(target=terminator), threading.Thread(target=reader)]
    for thread in background:
        thread.start()
    try:
        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(text, range(1, TEXTS + 1)))
    finally:
        stop.set()
        for thread in background:
            thread.join()

    assert killed[0] > 10, "the terminator must really have dropped connections mid-traffic"
    assert SORRY not in replies
    # A drop costs one retry on a fresh connection, not the text: without the pre-ping and the retry about
    # one text in ten met a dead connection here; with them a text fails only if its retry meets the next
    # burst of terminations too (a quarter of a second later), which should be rare.
    assert replies.count(STORE_DOWN) <= 2, replies.count(STORE_DOWN)
    saved = [r for r in replies if r != STORE_DOWN]
    unchanged = [r for r in saved if "already" in r.lower()]  # the same price twice in a row changes nothing
    assert all("Coffee" in r for r in saved), set(saved)
    # Exactly once: one audit entry per text whose answer said it changed something, none for the others.
    check = MenuStore.from_url(fresh_postgres)
    try:
        assert audit_count(check) == len(saved) - len(unchanged)
    finally:
        check.close()
    assert menu_statuses, "the public menu was read during the faults"
    for status, retry_after in menu_statuses:
        assert status == 200 or (status == 503 and retry_after), (status, retry_after)


def test_a_database_that_is_down_gets_honest_answers(make_app):
    down = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    client = make_app(database_url=down).test_client()
    started = time.perf_counter()
    reply = signed_sms(client, sms_form("86 the pancakes"))
    assert reply.status_code == 200
    assert twiml_messages(reply.get_data(as_text=True)) == [STORE_DOWN]
    menu = client.get("/menu/blue-plate.json")
    assert menu.status_code == 503 and int(menu.headers["Retry-After"]) > 0
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["database"] != "ok"
    assert client.get("/healthz").status_code == 503
    assert client.get("/livez").status_code == 200
    assert time.perf_counter() - started < 5.0
