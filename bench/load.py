"""Load benchmark: signed SMS webhooks against the Procfile's web process, beside a bare route. Not a test.

    .venv/bin/python bench/load.py [--workers 2 4] [--connections 16] [--seconds 10] [--postgres URL] [--json]

For each database (a temporary SQLite file; Postgres too when --postgres or TEST_DATABASE_URL names a
server) and each worker count, it starts the web process exactly as the Procfile says (gunicorn gthread,
WEB_CONCURRENCY workers) on a migrated database with the demo diner, then drives it with wrk (a C load
generator, so the client takes as little of the 2 cores as possible) for `--seconds`:
- `POST /sms`: grammar-path texts (prices, 86 / back, MENU, HOURS), each signed with the real Twilio
  validator and carrying its own MessageSid (wrk cycles through pre-signed requests; none repeats);
- `GET /`: plain text, no database: the floor of gunicorn and Flask on this machine.
It prints requests/s, p50/p99 and errors (non-2xx and socket errors) for each. Target: >= 1,000
grammar-path requests/s on 2 cores with 0 errors. Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from webhook import DINER_NUMBER, OWNER, PUBLIC, TEXTS, TOKEN, start_server  # noqa: E402

from tests.procfile import free_port, stop_web  # noqa: E402

TARGET_RPS = 1000
_WRK_SCRIPT = """
local requests = {}
local counter = 0
%(entries)s
local n = #requests
setup = function(thread)
  thread:set("offset", counter)
  counter = counter + 1
end
init = function(args)
  index = offset * math.floor(n / %(threads)d)
end
request = function()
  index = index + 1
  local r = requests[(index %% n) + 1]
  return wrk.format("POST", "/sms", {["Content-Type"] = "application/x-www-form-urlencoded",
                                      ["X-Twilio-Signature"] = r[2]}, r[1])
end
"""


def diner_numbers(n: int) -> list[tuple[str, str]]:
    """(diner number, owner number) of the demo diner and of its copies demo-2.. (see `copies_file`)."""
    return [(DINER_NUMBER, OWNER)] + [(f"+1555556{k:04d}", f"+1555557{k:04d}") for k in range(2, n + 1)]


def copies_file(n: int, directory: Path) -> Path:
    """The demo diner and n-1 copies with their own ids and numbers: load spread over several diners."""
    import yaml

    demo = yaml.safe_load((ROOT / "examples" / "demo-diner.yaml").read_text())["tenants"][0]
    tenants = [demo]
    for k, (number, owner) in enumerate(diner_numbers(n)[1:], start=2):
        copy = {**demo, "id": f"demo-{k}", "sms_number": number, "slack_team": None}
        copy["staff"] = [{"name": "Owner", "phone": owner, "role": "owner"}]
        tenants.append(copy)
    path = directory / "diners.yaml"
    path.write_text(yaml.safe_dump({"tenants": tenants}))
    return path


def signed_requests(count: int, diners: int) -> list[tuple[str, str]]:
    validator = RequestValidator(TOKEN)
    numbers = diner_numbers(diners)
    out = []
    for n in range(count):
        number, owner = numbers[n % diners]
        form = {
            "To": number,
            "From": owner,
            "Body": TEXTS[(n // diners) % len(TEXTS)],
            "MessageSid": "SM" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
        }
        out.append((urlencode(form), validator.compute_signature(PUBLIC + "/sms", form)))
    return out


def lua_script(path: Path, requests: list[tuple[str, str]], threads: int) -> None:
    entries = "\n".join(
        f"requests[{i + 1}] = {{{json.dumps(b)}, {json.dumps(s)}}}" for i, (b, s) in enumerate(requests)
    )
    path.write_text(_WRK_SCRIPT % {"entries": entries, "threads": threads})


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, path: str, seconds: int, connections: int, threads: int, script: Path | None) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True).stdout
    if "Requests/sec" not in out or "99%" not in out:
        raise SystemExit(f"wrk gave no figures for {path}:\n{out[-1500:]}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s))$", out, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": round(_ms(latency["50"]), 3),
        "p99_ms": round(_ms(latency["99"]), 3),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def run_one(database_url: str | None, workers: int, args: argparse.Namespace, script: Path, tenants_file: Path) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="diner-load-"))
    port = free_port()
    server, _env = start_server(workdir, port, workers, args.threads, database_url, tenants_file)
    try:
        wrk(port, "/", 2, args.connections, 2, None)  # warm up every worker
        wrk(port, "/sms", 2, args.connections, 2, script)
        bare = wrk(port, "/", args.seconds, args.connections, 2, None)
        sms = wrk(port, "/sms", args.seconds, args.connections, 2, script)
    finally:
        stop_web(server)
        shutil.rmtree(workdir, ignore_errors=True)
    return {"workers": workers, "sms": sms, "bare": bare}


def _empty_postgres(url: str) -> str:
    """A fresh database on the server of `url` (dropped by the caller)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"diner_load_{uuid.uuid4().hex[:10]}"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"), help="a Postgres server URL")
    parser.add_argument("--diners", type=int, nargs="+", default=[1, 20], help="diners sharing the load")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/load.py needs wrk (Debian: apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="diner-load-script-"))
    rows = []
    try:
        for diners in args.diners:
            script = workdir / f"sms-{diners}.lua"
            lua_script(script, signed_requests(60_000, diners), threads=2)
            tenants_file = copies_file(diners, workdir)
            for workers in args.workers:
                row = {"diners": diners, "database": "sqlite"}
                rows.append({**row, **run_one(None, workers, args, script, tenants_file)})
                if args.postgres:
                    url = _empty_postgres(args.postgres)
                    try:
                        row = {"diners": diners, "database": "postgres"}
                        rows.append({**row, **run_one(url, workers, args, script, tenants_file)})
                    finally:
                        _drop_postgres(url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "connections": args.connections,
        "seconds": args.seconds,
        "rows": rows,
        "target_requests_per_s": TARGET_RPS,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; wrk {args.connections} connections, "
          f"{args.seconds} s per run; target >= {TARGET_RPS} SMS/s with 0 errors")  # fmt: skip
    header = f"{'diners':>6s} {'database':9s} {'workers':>7s} {'route':>6s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s}"
    print(header + f" {'errors':>7s}")
    for row in rows:
        for route in ("sms", "bare"):
            r = row[route]
            print(
                f"{row['diners']:6d} {row['database']:9s} {row['workers']:7d} {route:>6s} {r['requests_per_s']:9.1f} "
                f"{r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['errors']:7d}"
            )


if __name__ == "__main__":
    main()
