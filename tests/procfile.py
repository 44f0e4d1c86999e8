"""Start the web process exactly as the Procfile says, for tests that need real gunicorn workers.

It runs through `tests.pinned_clock`, so under `pytest --at ...` the server's clock reads the same
moment as the test process's (see tests/clock_travel.py)."""

from __future__ import annotations

import http.client
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests import pinned_clock

ROOT = Path(__file__).resolve().parent.parent
_DEFAULTED = re.compile(r"\$\{(\w+):-([^}]*)\}")


def web_command(env: dict[str, str]) -> list[str]:
    """The Procfile's `web:` line with ${VAR:-default} expanded from `env`, as a shell would."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    expanded = _DEFAULTED.sub(lambda m: env.get(m.group(1)) or m.group(2), line[len("web:") :])
    command = shlex.split(expanded)
    command[0] = str(Path(sys.executable).parent / command[0])  # the venv's gunicorn
    return command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subprocess_env(env: dict[str, str]) -> dict[str, str]:
    """The test process's environment plus `env`, with the project importable from any working directory
    (for `python -m tests.pinned_clock`)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, **env, "PYTHONPATH": path}


def start_web(env: dict[str, str], workdir: Path) -> subprocess.Popen:
    """Run the web process with `env` (PORT included) and wait until /healthz answers."""
    full_env = subprocess_env(env)
    gunicorn, *args = web_command(full_env)
    command = pinned_clock.command("gunicorn", *args) if Path(gunicorn).name == "gunicorn" else [gunicorn, *args]
    log = (workdir / "web.log").open("wb")
    server = subprocess.Popen(command, env=full_env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the web process exited: {(workdir / 'web.log').read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", int(env["PORT"]), timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the web process did not become healthy")


def stop_web(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
