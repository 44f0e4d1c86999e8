"""Fakes of Cloudflare AI Gateway, Workers AI and an OpenAI-compatible server, speaking all three wire
formats the gateway uses:

    POST /v1/{account}/{gateway}/compat/chat/completions   AI Gateway compat (OpenAI JSON and SSE)
    POST /client/v4/accounts/{account}/ai/run/{model}      Workers AI ({"result", "success"} envelope; SSE)
    POST /v1/chat/completions                              any OpenAI-compatible server

Each records every request (provider, path, headers, JSON body) and is scripted per provider:

    with FakeCloudflare() as fake:                   # a loopback server (loopback.py)
        fake.gateway.next(Fail(500))                 # the next gateway request fails once...
        fake.workers_ai.always(Reply("Sold out."))   # ...and Workers AI answers this from now on
        config = GatewayConfig(**fake.config_kwargs())

    fake = MockCloudflare()                          # the same behind httpx.MockTransport (transport.py)
    AIGateway(GatewayConfig(**fake.config_kwargs()), http_client=fake.client())

Behaviours (script.py): Reply (text or JSON, chunking, usage, headers, latency), Fail (status + body),
RateLimit (429 with a Cloudflare error code and optional Retry-After), Sleep (then behave), Malformed (a
body that is not JSON), Truncate (stop a body or stream midway), Stall (stop sending, keep the
connection open) and Reset (the connection reset). The web chat, SMS and reliability suites use the
loopback server through `tests/fakes/cloudflare_fixture.py`; the gateway's policy tests the MockTransport.
"""

from tests.fakes.cloudflare.loopback import FakeCloudflare
from tests.fakes.cloudflare.script import (
    GATEWAY,
    OPENAI,
    WORKERS_AI,
    Behaviour,
    Fail,
    Malformed,
    RateLimit,
    Recorded,
    Reply,
    Reset,
    Script,
    Sleep,
    Stall,
    Truncate,
)
from tests.fakes.cloudflare.transport import MockCloudflare

__all__ = [
    "GATEWAY",
    "OPENAI",
    "WORKERS_AI",
    "Behaviour",
    "Fail",
    "FakeCloudflare",
    "Malformed",
    "MockCloudflare",
    "RateLimit",
    "Recorded",
    "Reply",
    "Reset",
    "Script",
    "Sleep",
    "Stall",
    "Truncate",
]
