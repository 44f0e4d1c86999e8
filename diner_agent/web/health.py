"""`GET /healthz` (DESIGN 4.4): 200 when the database answers, 503 when it does not."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from diner_agent.menu.store import MenuStore

log = logging.getLogger(__name__)


def health_blueprint(store: MenuStore) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            with store.read() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure means "not ready"
            log.warning("health check failed: %s", exc.__class__.__name__)
            return jsonify(status="error", database="unreachable"), 503
        return jsonify(status="ok", database="ok"), 200

    return bp
