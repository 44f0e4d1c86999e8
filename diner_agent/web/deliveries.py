"""`GET /admin/deliveries[.json]`: late answers that could not be delivered, for the operator.

The durable outbox retries transient Twilio / Slack errors until the delivery deadline; what is left is
a permanent refusal (the owner opted out with STOP, a Slack response_url that expired, a channel the
bot left) or a deadline that ran out. Each is kept with its error, and listed here newest first, with
the same ADMIN_TOKEN as the AI usage dashboard. Nothing here can change anything.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from markupsafe import escape
from pydantic import SecretStr

from diner_agent.config import secret_value
from diner_agent.menu.store import MenuStore
from diner_agent.menu.work_queue import delivery_failures
from diner_agent.web.credentials import admin_only

SHOWN = 100


def deliveries_blueprint(store: MenuStore, admin_token: SecretStr | str | None) -> Blueprint:
    bp = Blueprint("deliveries", __name__)
    expected = secret_value(admin_token)

    admin_only(bp, expected, "The admin pages are disabled: set ADMIN_TOKEN to enable them, then restart the server.")

    def rows() -> list[dict]:
        return [
            {
                "tenant": f.tenant_id,
                "channel": f.channel,
                "message_id": f.message_id,
                "at": f.created_at.isoformat(),
                "attempts": f.attempts,
                "error": f.error,
            }
            for f in delivery_failures(store, SHOWN)
        ]

    @bp.get("/admin/deliveries.json")
    def deliveries_json() -> Response:
        return jsonify(undelivered=rows())

    @bp.get("/admin/deliveries")
    def deliveries_page() -> Response:
        found = rows()
        lines = "".join(
            "<tr>"
            + "".join(
                f"<td>{escape(row[key])}</td>" for key in ("at", "tenant", "channel", "message_id", "attempts", "error")
            )
            + "</tr>"
            for row in found
        )
        html = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Undelivered answers</title>"
            "<h1>Undelivered answers</h1>"
            + (f"<p>{len(found)} answer(s) could not be delivered (newest first).</p>" if found else "<p>None.</p>")
            + "<table><tr><th>at (UTC)<th>diner<th>channel<th>message id<th>attempts<th>error</tr>"
            + lines
            + "</table></html>"
        )
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
        return response

    return bp
