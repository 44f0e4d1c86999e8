"""Start the web process exactly as the Procfile says, for tests that need real gunicorn workers."""

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


def start_web(env: dict[str, str], workdir: Path) -> subprocess.Popen:
    """Run the web process with `env` (PORT included) and wait until /healthz answers."""
    full_env = {**os.environ, **env}
    log = (workdir / "web.log").open("wb")
    server = subprocess.Popen(web_command(full_env), env=full_env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
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
