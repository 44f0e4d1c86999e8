"""Walk one grammar SMS from the Twilio view to the database write and back, and count what it crosses.

    .venv/bin/python bench/sms_path.py [--json] [--text "86 the meatloaf"]

It builds the app on a temporary SQLite file with the demo diner, sends a few signed webhooks through
the Flask test client so caches are as warm as a running server's, then profiles one more
(`sys.setprofile`, every Python call). For each call into a project module it finds the nearest project
frame above it (library frames in between, such as Flask or SQLAlchemy, are skipped) and counts a
boundary crossing when the two modules differ. Methods that dataclasses generate (a record's
`__init__`) are not counted: they are values being built, not code crossing a boundary. The SQL
statements sent are counted too. Printed: the project modules the SMS ran code in, in the order it
first entered them; how many crossings; the distinct arrows (caller module -> callee module); the
arrows between packages; and all of it again without the calls inside the reading pipeline. A
script, not a test: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, event
from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diner_agent.app import create_app  # noqa: E402
from diner_agent.menu.db import upgrade  # noqa: E402
from diner_agent.menu.store import MenuStore  # noqa: E402
from diner_agent.menu.tenant_file import load_tenants, read_tenant_file  # noqa: E402
from tests.sample import DEMO_DANA, DEMO_NUMBER  # noqa: E402

TOKEN = "path-" + uuid.uuid4().hex
PUBLIC = "https://path.diner.example"
PACKAGE = "diner_agent"
# The reading pipeline (grammar first, then the LLM reader): its insides are another piece of work, so
# the walk is also given without the calls inside it (calls into it, from the service, still count).
READER = (
    "commands.grammar",
    "commands.reading",
    "commands.normalize",
    "commands.resolve",
    "commands.when",
    "commands.money",
    "commands.spoken",
    "commands.questions",
    "commands.llm_parse",
    "commands.understand",
)


def _form(text: str) -> dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    return {"Body": text, "To": DEMO_NUMBER, "From": DEMO_DANA, "MessageSid": sid, "AccountSid": "AC" + "0" * 32}


def _post(client, text: str) -> str:  # type: ignore[no-untyped-def]
    form = _form(text)
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms", form)
    response = client.post("/sms", data=form, headers={"X-Twilio-Signature": signature})
    return response.get_data(as_text=True)


def _module(frame) -> str | None:  # type: ignore[no-untyped-def]
    """The project module whose written code `frame` runs; None for libraries and for the methods
    dataclasses generate (`__init__`, `__eq__`: exec'd from a string, no code anyone wrote)."""
    if not frame.f_code.co_filename.endswith(".py"):
        return None
    name = frame.f_globals.get("__name__", "")
    return name if name == PACKAGE or name.startswith(PACKAGE + ".") else None


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _in_reader(module: str) -> bool:
    short = module.removeprefix(PACKAGE + ".")
    return any(short == r or short.startswith(r + ".") for r in READER)


def trace(client, text: str) -> dict:  # type: ignore[no-untyped-def]
    """Profile one SMS: modules entered (first-entry order), crossings, arrows."""
    entered: list[str] = []
    arrows: Counter[tuple[str, str]] = Counter()

    def profile(frame, event, _arg):  # type: ignore[no-untyped-def]
        if event != "call":
            return
        callee = _module(frame)
        if callee is None:
            return
        if callee not in entered:
            entered.append(callee)
        caller_frame = frame.f_back
        while caller_frame is not None and _module(caller_frame) is None:
            caller_frame = caller_frame.f_back
        caller = _module(caller_frame) if caller_frame is not None else None
        if caller is not None and caller != callee:
            arrows[(caller, callee)] += 1

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement.split(None, 1)[0].upper())

    event.listen(Engine, "before_cursor_execute", count)
    sys.setprofile(profile)
    try:
        reply = _post(client, text)
    finally:
        sys.setprofile(None)
        event.remove(Engine, "before_cursor_execute", count)
    packages: Counter[tuple[str, str]] = Counter()
    for (a, b), n in arrows.items():
        if _package(a) != _package(b):
            packages[(_package(a), _package(b))] += n
    outside = {(a, b): n for (a, b), n in arrows.items() if not (_in_reader(a) and _in_reader(b))}
    return {
        "text": text,
        "reply_twiml": reply,
        "modules": entered,
        "module_count": len(entered),
        "crossings": sum(arrows.values()),
        "distinct_arrows": len(arrows),
        "sql_statements": len(statements),
        "sql": dict(Counter(statements)),
        "outside_reader": {
            "modules": [m for m in entered if not _in_reader(m)],
            "module_count": sum(1 for m in entered if not _in_reader(m)),
            "crossings": sum(outside.values()),
            "distinct_arrows": len(outside),
        },
        "arrows": {f"{a} -> {b}": n for (a, b), n in sorted(arrows.items())},
        "package_arrows": {f"{a} -> {b}": n for (a, b), n in sorted(packages.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default="86 the meatloaf", help="the grammar text to follow")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="diner-path-"))
    url = f"sqlite:///{workdir}/path.db"
    upgrade(url)
    store = MenuStore.from_url(url)
    load_tenants(store, read_tenant_file(ROOT / "examples" / "demo-diner.yaml"))
    store.close()
    app = create_app(
        database_url=url,
        twilio_auth_token=TOKEN,
        public_base_url=PUBLIC,
        redis_url=None,
        cloudflare_ai_gateway_url=None,
        cloudflare_account_id=None,
        llm_base_url=None,
        log_level="WARNING",
    )
    client = app.test_client()
    for warm in ("coffee 2.75", "86 the french toast", "coffee 2.50", "french toast is back"):
        _post(client, warm)
    result = trace(client, args.text)
    close = getattr(app.extensions.get("diner_agent"), "close", None)
    if close is not None:
        close()
    if args.json:
        print(json.dumps(result))
        return
    print(f"one SMS ({args.text!r}) from the Twilio view to the database write and back:")
    print(
        f"  {result['module_count']} project modules, {result['crossings']} module boundary crossings "
        f"({result['distinct_arrows']} distinct caller -> callee arrows)"
    )
    print(f"  {result['sql_statements']} SQL statements: {result['sql']} (COMMIT is not a statement here)")
    outside = result["outside_reader"]
    print(
        f"  without the reading pipeline's insides: {outside['module_count']} modules, "
        f"{outside['crossings']} crossings, {outside['distinct_arrows']} distinct arrows"
    )
    print("  modules, in the order first entered:")
    for name in result["modules"]:
        print(f"    {name}")
    print("  arrows between packages (calls):")
    for arrow, n in result["package_arrows"].items():
        print(f"    {arrow:60s} {n}")
    print("  arrows between modules (calls):")
    for arrow, n in result["arrows"].items():
        print(f"    {arrow:60s} {n}")


if __name__ == "__main__":
    main()
