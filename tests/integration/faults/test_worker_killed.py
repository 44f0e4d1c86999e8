"""A worker SIGKILLed after "working on it" loses nothing: the Procfile's web process (gunicorn) answers a
free-form text "working on it", the worker is killed while the model is still thinking, gunicorn
starts a new one, and once the dead worker's lease has run out the new one resumes the text from the
durable inbox: the answer is texted exactly once, and the text applied at most once."""

from __future__ import annotations

import http.client
import os
import signal
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from diner_agent.channels.sms.wire import HOLD_ON
from diner_agent.menu import models as m
from diner_agent.menu.store import MenuStore
from tests.fakes.cloudflare import GATEWAY, Reply, Sleep
from tests.integration.channels.webhooks import twiml_messages
from tests.polling import eventually
from tests.procfile import free_port, start_web, stop_web
from tests.sample import BLUE_PLATE_NUMBER, DANA
from tests.services import postgres_url

TOKEN = "killed-worker-twilio-token"
PUBLIC = "http://diner.test"
FREE_FORM = "could you make it so folks can't order the reuben anymore"
ANSWER = Reply(json={"commands": [{"action": "toggle_available", "target": "Reuben", "value": False}]})


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.fixture(params=["sqlite"] + (["postgres"] if postgres_url() else []))
def database(request):
    return request.getfixturevalue("db_url" if request.param == "sqlite" else "fresh_postgres")


def test_a_killed_worker_s_text_is_answered_once_by_its_successor(
    tmp_path, database, store, fake_cloudflare, twilio_rest
):
    store_url = database  # SQLite: the `store` fixture loaded the diners; fresh_postgres comes with them
    fake_cloudflare.gateway.next(Sleep(30, then=ANSWER)).always(ANSWER)  # the first call outlives its worker
    port = free_port()
    env = {
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DATABASE_URL": store_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
        "TWILIO_API_URL": twilio_rest.base_url,
        "PUBLIC_BASE_URL": PUBLIC,
        "AI_RATE_LIMIT": "100/minute",
        "AI_READ_TIMEOUT": "40",
        "AI_TOTAL_TIMEOUT": "60",
        "WORK_LEASE_SECONDS": "2",
        "WORK_POLL_SECONDS": "0.2",
        "PRUNE_DAILY": "false",
        "LOG_LEVEL": "INFO",
        **fake_cloudflare.env(),
    }
    server = start_web(env, tmp_path)
    try:
        sid = f"SM{uuid.uuid4().hex}"
        form = {"To": BLUE_PLATE_NUMBER, "From": DANA, "Body": FREE_FORM, "MessageSid": sid, "AccountSid": "AC1"}
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms", form)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        started = time.perf_counter()
        conn.request("POST", "/sms", body=urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})  # fmt: skip
        response = conn.getresponse()
        assert response.status == 200 and twiml_messages(response.read().decode()) == [HOLD_ON]
        assert time.perf_counter() - started < 2.0
        assert eventually(lambda: fake_cloudflare.requests_to(GATEWAY)), "the model is working on it"

        [worker] = _workers(server.pid)
        os.kill(worker, signal.SIGKILL)  # mid-thought: the answer exists nowhere yet
        assert eventually(lambda: _workers(server.pid) and _workers(server.pid) != [worker], timeout=20)

        assert eventually(lambda: twilio_rest.sent, timeout=30), (tmp_path / "web.log").read_text()[-3000:]
        time.sleep(1.5)  # a second resumption, or a second send, would show by now
        [sent] = twilio_rest.sent
        assert sent.form["To"] == DANA and "Reuben" in sent.form["Body"]
        assert len(fake_cloudflare.requests_to(GATEWAY)) == 2  # the killed worker's call, and the successor's
    finally:
        stop_web(server)
    check = MenuStore.from_url(store_url)
    try:
        with check.read() as s:
            assert s.scalar(select(func.count()).select_from(m.ProcessedMessage)) == 1
            assert s.scalar(select(m.InboundWork.attempts).where(m.InboundWork.message_id == sid)) == 2
    finally:
        check.close()
