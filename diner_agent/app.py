"""create_app: the Flask app, mounted on an Assembly of collaborators (DESIGN 2).

`create_app(settings=None, **overrides)`: keyword overrides that name a setting (e.g. `database_url=`)
replace it; `clock=` injects the one time source everything is built on (tests hand in a fake clock).
Nothing is built at import time, so gunicorn's `diner_agent.app:create_app()` and the tests each get
their own, independent app; `Assembly.of(app)` reaches what it was built with.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from diner_agent import log_context
from diner_agent.assembly import APP_KEY, Assembly
from diner_agent.availability import redis_ping
from diner_agent.channels.slack.events import slack_blueprint
from diner_agent.channels.sms.outbound import SmsSender
from diner_agent.channels.sms.webhook import sms_blueprint
from diner_agent.channels.webchat.admission import ChatAdmission
from diner_agent.channels.webchat.routes import webchat_blueprint
from diner_agent.clock import Clock, SystemClock
from diner_agent.commands.chat.answers import ChatAnswerer
from diner_agent.config import Settings, load_settings, secret_value
from diner_agent.menu.errors import StoreUnavailable
from diner_agent.web.admin import admin_blueprint
from diner_agent.web.deliveries import deliveries_blueprint
from diner_agent.web.health import health_blueprint
from diner_agent.web.menu_page import menu_blueprint
from diner_agent.web.metrics import metrics_blueprint

log = logging.getLogger("diner_agent")


def _settings(settings: Settings | None, overrides: dict[str, object]) -> Settings:
    fields = {k: v for k, v in overrides.items() if k in Settings.model_fields}
    if settings is None:
        return load_settings(**fields)
    return settings.model_copy(update=fields) if fields else settings


def configure_logging(level: str, fmt: str = "text") -> None:
    """Text lines (unless something configured logging already), or LOG_FORMAT=json's one object per line."""
    if fmt == "json":
        log_context.install_json(level)
    else:
        log_context.uninstall()
        if not logging.getLogger().handlers:
            logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("diner_agent").setLevel(level.upper())


def create_app(settings: Settings | None = None, **overrides: object) -> Flask:
    settings = _settings(settings, overrides)
    clock: Clock = overrides.get("clock") or SystemClock()  # type: ignore[assignment]
    configure_logging(settings.log_level, settings.log_format)
    for line in settings.feature_report():
        log.info(line)
    for warning in (settings.gateway_url_warning(), settings.shared_state_warning(), settings.proxy_warning()):
        if warning:
            log.warning(warning)

    parts = Assembly.build(settings, clock=clock)
    store, service = parts.store, parts.service

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024  # no webhook or chat request needs more
    if settings.trusted_hosts:
        app.config["TRUSTED_HOSTS"] = list(settings.trusted_hosts)  # any other Host: 400, before any view
    if settings.trust_proxy:
        # A forwarded host is believed only when an allow-list says which hosts may be named.
        forwarded_host = 1 if settings.trusted_hosts else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=forwarded_host)  # type: ignore[method-assign]
    app.extensions[APP_KEY] = parts
    app.register_blueprint(menu_blueprint(store, clock))
    probe = redis_ping(settings, clock)
    if probe is not None:
        parts.closers.insert(1, probe[1])
    app.register_blueprint(health_blueprint(store, redis_ping=probe[0] if probe else None))
    durable = parts.durable
    sms_durable = durable if durable is not None and durable.can_deliver("sms") else None
    sender = SmsSender.from_settings(settings)
    app.register_blueprint(sms_blueprint(service, settings, parts.followups, sender, sms_durable))
    app.register_blueprint(slack_blueprint(service, settings, parts.followups, clock, parts.slack_listeners, durable))
    admission = ChatAdmission(settings.chat_concurrency_total, settings.chat_concurrency_per_diner)
    app.register_blueprint(webchat_blueprint(service, ChatAnswerer(service, parts.llm), clock, admission))
    app.register_blueprint(
        admin_blueprint(
            store,
            settings.admin_token,
            clock,
            parts.usage,
            budgets=(settings.ai_daily_budget_usd, settings.ai_monthly_budget_usd),
        )
    )
    app.register_blueprint(deliveries_blueprint(store, settings.admin_token))
    # GET /metrics (METRICS_TOKEN, or this machine only), and HTTP requests counted by route and status
    app.register_blueprint(
        metrics_blueprint(token=secret_value(settings.metrics_token), per_diner=settings.metrics_per_diner)
    )

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(exc: StoreUnavailable) -> tuple[dict[str, str], int, dict[str, str]]:
        # Never a 500 for a database that is away: say so, and when to come back (the public menu too).
        body = {"error": "unavailable", "message": "The menu store is unavailable; try again shortly."}
        return body, 503, {"Retry-After": str(exc.retry_after)}

    @app.before_request
    def start_request() -> None:
        # Every log line of this request (and of the work it hands to other threads) carries this id.
        g.request_id = log_context.new_request(request.headers.get("X-Request-ID"))

    @app.after_request
    def name_request(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response

    @app.get("/")
    def index() -> tuple[str, int, dict[str, str]]:
        return "Diner Agent is running. Public menus live at /menu/<diner-id>.\n", 200, {"Content-Type": "text/plain"}

    return app
