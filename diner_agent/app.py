"""create_app: the one place that sees every package and wires them together (DESIGN 2).

`create_app(settings=None, **overrides)`: keyword overrides that name a setting (e.g. `database_url=`)
replace it; `clock=` injects the one time source everything is built on (tests hand in a fake clock).
Nothing is built at import time, so gunicorn's `diner_agent.app:create_app()` and the tests each get
their own, independent app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from diner_agent.bots.admin import admin_blueprint
from diner_agent.bots.metrics import metrics_blueprint
from diner_agent.bots.public import public_blueprint
from diner_agent.bots.slack import slack_blueprint
from diner_agent.bots.sms import sms_blueprint
from diner_agent.bots.sms_late import LateAnswers
from diner_agent.bots.sms_outbound import SmsSender
from diner_agent.bots.webchat import webchat_blueprint
from diner_agent.clock import Clock, SystemClock
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings, load_settings
from diner_agent.gateway import AIGateway
from diner_agent.menu.store import MenuStore
from diner_agent.wiring import build

log = logging.getLogger("diner_agent")


@dataclass
class Wiring:
    """The collaborators one app was built with (tests and the CLI reach them via `app.extensions`)."""

    settings: Settings
    store: MenuStore
    service: CommandService
    clock: Clock
    gateway: AIGateway | None
    close: Callable[[], None]


def _settings(settings: Settings | None, overrides: dict[str, object]) -> Settings:
    fields = {k: v for k, v in overrides.items() if k in Settings.model_fields}
    if settings is None:
        return load_settings(**fields)
    return settings.model_copy(update=fields) if fields else settings


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("diner_agent").setLevel(level.upper())


def create_app(settings: Settings | None = None, **overrides: object) -> Flask:
    settings = _settings(settings, overrides)
    clock: Clock = overrides.get("clock") or SystemClock()  # type: ignore[assignment]
    configure_logging(settings.log_level)
    for line in settings.feature_report():
        log.info(line)
    for warning in (settings.gateway_url_warning(), settings.shared_state_warning()):
        if warning:
            log.warning(warning)

    built = build(settings, clock=clock)
    store, service = built.store, built.service

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024  # no webhook or chat request needs more
    if settings.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.extensions["diner_agent"] = Wiring(settings, store, service, clock, built.gateway, built.close)  # type: ignore[arg-type]
    app.register_blueprint(public_blueprint(store, clock))
    late = LateAnswers(SmsSender.from_settings(settings), reply_within=settings.sms_reply_within, clock=clock)
    built.closers.append(late.close)  # closers run newest first: late answers drain before the gateway and store go
    app.register_blueprint(sms_blueprint(service, settings, late))
    app.register_blueprint(slack_blueprint(service, settings))
    app.register_blueprint(webchat_blueprint(store, service, clock, built.gateway))
    app.register_blueprint(admin_blueprint(store, settings.admin_token, clock))
    app.register_blueprint(metrics_blueprint())  # GET /metrics, and HTTP requests counted by route and status

    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        return "Diner Agent is running. Public menus live at /menu/<diner-id>.\n", 200, {"Content-Type": "text/plain"}

    return app


def wiring(app: Flask) -> Wiring:
    return app.extensions["diner_agent"]
