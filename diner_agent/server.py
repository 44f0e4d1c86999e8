"""The production server: gunicorn, started from the CLI (`diner-agent serve`) with the same settings
the Procfile passes on the command line.

Prometheus metrics from several worker processes: prometheus_client decides when it is first imported
whether values live in memory (one process) or in files under PROMETHEUS_MULTIPROC_DIR (many), so that
directory is set here, before gunicorn forks and before anything imports prometheus_client. `/metrics`
then adds up every worker's files, and `child_exit` drops a dead worker's live gauges. The directory is
a fresh temporary one, removed when the server stops, unless the operator set the variable themselves.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gunicorn.app.base import BaseApplication

from diner_agent.config import Settings

log = logging.getLogger(__name__)
MULTIPROC_VAR = "PROMETHEUS_MULTIPROC_DIR"


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, object]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        # Each worker builds its own app (and its own connection pools) after the fork.
        from diner_agent.app import create_app

        return create_app()


def child_exit(server: object, worker: object) -> None:
    """gunicorn hook (in the master): forget a dead worker's live gauges.

    Also usable from a Procfile: `gunicorn --config python:diner_agent.server ...` picks this up.
    """
    from prometheus_client import multiprocess  # imported late: see the module docstring

    if os.environ.get(MULTIPROC_VAR):
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def worker_exit(server: object, worker: object) -> None:
    """gunicorn hook (in the worker, after its last request): close the app's Assembly, so late answers
    drain, usage rows are stored, and the gateway and store shut down in order instead of being cut off
    by the process exit."""
    from diner_agent.assembly import APP_KEY, Assembly

    app = getattr(worker, "wsgi", None)
    if app is not None and APP_KEY in getattr(app, "extensions", {}):
        Assembly.of(app).close()


@contextmanager
def multiprocess_metrics() -> Iterator[Path]:
    """Point prometheus_client at a metrics directory for this server's lifetime (see module docstring)."""
    given = os.environ.get(MULTIPROC_VAR)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):  # files of an earlier run would be added to this one's totals
            stale.unlink()
    else:
        path = Path(tempfile.mkdtemp(prefix="diner-agent-metrics-"))
        os.environ[MULTIPROC_VAR] = str(path)
    owner = os.getpid()
    log.info("Prometheus multiprocess directory: %s", path)
    try:
        yield path
    finally:
        # gunicorn workers leave through this frame too (sys.exit after the fork): only the master cleans up.
        if os.getpid() == owner and not given:
            shutil.rmtree(path, ignore_errors=True)
            os.environ.pop(MULTIPROC_VAR, None)


def run(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    warning = settings.shared_state_warning(workers)
    if warning:
        log.warning("!" * 20 + " " + warning)
    with multiprocess_metrics():
        _Gunicorn(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 30,
                "graceful_timeout": 10,
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "child_exit": child_exit,
                "worker_exit": worker_exit,
            }
        ).run()


# --- gunicorn config-module hooks -------------------------------------------------------------------
# The Procfile runs plain gunicorn with `--config python:diner_agent.server`; these hooks give it the
# same metrics directory handling as `diner-agent serve`.
_procfile_metrics: list[object] = []


def on_starting(server: object) -> None:
    """gunicorn hook (master, before any worker forks): set up the metrics directory."""
    context = multiprocess_metrics()
    context.__enter__()
    _procfile_metrics.append(context)


def on_exit(server: object) -> None:
    """gunicorn hook (master, on shutdown): remove the metrics directory it created."""
    while _procfile_metrics:
        _procfile_metrics.pop().__exit__(None, None, None)  # type: ignore[attr-defined]
