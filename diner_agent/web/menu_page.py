"""The public menu (DESIGN 4.3): `/menu/<tenant>.json` for machines, `/menu/<tenant>` for people and search
engines (HTML with schema.org JSON-LD). No auth; nothing here can change anything."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal

from flask import Blueprint, Response, jsonify, render_template, request

from diner_agent.clock import Clock
from diner_agent.commands.replies import DAY_NAMES, money
from diner_agent.commands.replies import clock as time_text
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.hours import local_now
from diner_agent.menu.records import WEEKDAYS
from diner_agent.menu.store import MenuStore
from diner_agent.web.menu_document import json_ld, public_menu


def menu_blueprint(store: MenuStore, clock: Clock) -> Blueprint:
    bp = Blueprint("public", __name__, template_folder="templates")

    def _fresh(body: bytes, content_type: str) -> Response:
        # Owners expect a change to show at once: let caches store the page but revalidate every time.
        etag = hashlib.sha256(body).hexdigest()[:32]
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            response = Response(body, content_type=content_type)
        response.set_etag(etag)
        response.headers["Cache-Control"] = "public, no-cache"
        return response

    @bp.get("/menu/<tenant_id>.json")
    def menu_json(tenant_id: str) -> Response:
        try:
            snapshot = store.snapshot(tenant_id)
        except UnknownTenant:
            return _not_found(tenant_id)
        document = public_menu(snapshot, clock.now())
        body = json.dumps(document, separators=(",", ":")).encode()
        response = _fresh(body, "application/json")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @bp.get("/menu/<tenant_id>")
    def menu_page(tenant_id: str) -> Response:
        try:
            snapshot = store.snapshot(tenant_id)
        except UnknownTenant:
            return _not_found(tenant_id)
        moment = clock.now()
        document = public_menu(snapshot, moment)
        sections: dict[str, list[dict]] = {}
        for item in document["items"]:
            sections.setdefault(item["category"] or "Menu", []).append(
                {**item, "price_text": money(int(Decimal(item["price"]) * 100), snapshot.tenant.currency)}
            )
        hours = [
            (DAY_NAMES[day], ", ".join(f"{time_text(i['open'])} - {time_text(i['close'])}" for i in ivs) or "Closed")
            for day, ivs in document["hours"].items()
        ]
        special = [
            (day, ", ".join(f"{time_text(i['open'])} - {time_text(i['close'])}" for i in ivs) or "Closed")
            for day, ivs in document["special_hours"].items()
        ]
        html = render_template(
            "menu.html",
            menu=document,
            sections=sections,
            hours=hours,
            special=special,
            today=DAY_NAMES[WEEKDAYS[local_now(snapshot, moment).weekday()]],
            json_ld=json_ld(snapshot, moment, request.base_url),
            closure_until=_until_text(document),
        )
        return _fresh(html.encode(), "text/html; charset=utf-8")

    return bp


def _until_text(document: dict) -> str | None:
    closure = document.get("closure")
    if not closure or not closure.get("until"):
        return None
    until = datetime.fromisoformat(closure["until"])
    return until.strftime("%a %b %d, ") + time_text(until.strftime("%H:%M"))


def _not_found(tenant_id: str) -> Response:
    response = jsonify(error="not_found", message=f"No diner called {tenant_id[:64]!r} here.")
    response.status_code = 404
    return response
