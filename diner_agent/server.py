"""The production server: gunicorn, started from the CLI (`diner-agent serve`) with the same settings
the Procfile passes on the command line."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from diner_agent.config import Settings


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


def run(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
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
        }
    ).run()
