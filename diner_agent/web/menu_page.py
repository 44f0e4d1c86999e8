"""The public menu (DESIGN 4.3): `/menu/<tenant>.json` for machines, `/menu/<tenant>` for people and search
engines (HTML with schema.org JSON-LD), and `/menu/<tenant>/embed` for a diner's own website (an iframe:
no header or footer). No auth; nothing here can change anything.

All three carry an ETag (web/freshness.py) and `Cache-Control: public, max-age=30,
stale-while-revalidate=300`, so a CDN can front them: a matching If-None-Match gets a 304 without the
document being built. An unknown diner gets JSON 404 from the JSON endpoint and an HTML page otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Response, render_template, request

from diner_agent.clock import Clock
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.hours import local_now
from diner_agent.menu.records import MenuSnapshot
from diner_agent.menu.store import MenuStore
from diner_agent.web import menu_view
from diner_agent.web.freshness import CACHE_CONTROL, build_tag, etag
from diner_agent.web.menu_document import json_ld, public_menu

FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" '
    'fill="#b3261e"/><circle cx="32" cy="34" r="17" fill="#fffdf8"/><circle cx="32" cy="34" r="11" '
    'fill="none" stroke="#e4e1da" stroke-width="3"/><rect x="8" y="12" width="4" height="40" rx="2" '
    'fill="#fffdf8"/><rect x="52" y="12" width="4" height="40" rx="2" fill="#fffdf8"/></svg>'
)


def menu_blueprint(store: MenuStore, clock: Clock) -> Blueprint:
    bp = Blueprint("public", __name__, template_folder="templates")
    build = build_tag()

    def _cached(snapshot: MenuSnapshot, now: datetime, variant: str, body: Callable[[], Response]) -> Response:
        tag = etag(snapshot, now, f"{variant}:{build}:{request.host}")
        if request.if_none_match.contains(tag):
            response = Response(status=304)
        else:
            response = body()
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response

    def _snapshot(tenant_id: str) -> MenuSnapshot | None:
        try:
            return store.snapshot(tenant_id)
        except UnknownTenant:
            return None

    @bp.get("/menu/<tenant_id>.json")
    def menu_json(tenant_id: str) -> Response:
        snapshot = _snapshot(tenant_id)
        if snapshot is None:
            return _json_not_found(tenant_id)
        now = clock.now()

        def body() -> Response:
            document = public_menu(snapshot, now)
            return Response(json.dumps(document, separators=(",", ":")), content_type="application/json")

        response = _cached(snapshot, now, "json", body)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    @bp.get("/menu/<tenant_id>")
    def menu_page(tenant_id: str) -> Response:
        snapshot = _snapshot(tenant_id)
        if snapshot is None:
            return _page_not_found(tenant_id)
        now = clock.now()
        return _cached(snapshot, now, "page", lambda: _html("public_menu.html", snapshot, now))

    @bp.get("/menu/<tenant_id>/embed")
    def menu_embed(tenant_id: str) -> Response:
        snapshot = _snapshot(tenant_id)
        if snapshot is None:
            return _page_not_found(tenant_id)
        now = clock.now()
        return _cached(snapshot, now, "embed", lambda: _html("public_embed.html", snapshot, now))

    @bp.get("/favicon.ico")
    @bp.get("/favicon.svg")
    def favicon() -> Response:
        response = Response(FAVICON, content_type="image/svg+xml")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    return bp


def _html(template: str, snapshot: MenuSnapshot, now: datetime) -> Response:
    document = public_menu(snapshot, now)
    local = local_now(snapshot, now)
    tenant = snapshot.tenant
    html = render_template(
        template,
        menu=document,
        status=menu_view.status(document, snapshot, now),
        sections=menu_view.sections(document, local),
        hours=menu_view.week(document, local.date()),
        special=menu_view.special_days(document, local.date()),
        contact={
            "address": tenant.address,
            "phone": tenant.phone,
            "tel": re.sub(r"[^\d+]", "", tenant.phone or ""),
            "website": tenant.website,
        },
        json_ld=json_ld(snapshot, now, request.base_url),
        page_url=request.base_url.removesuffix("/embed"),
    )
    return Response(html, content_type="text/html; charset=utf-8")


def _json_not_found(tenant_id: str) -> Response:
    body = json.dumps({"error": "not_found", "message": f"No diner called {tenant_id[:64]!r} here."})
    return Response(body, status=404, content_type="application/json")


def _page_not_found(tenant_id: str) -> Response:
    html = render_template("public_not_found.html", tenant_id=tenant_id[:64])
    return Response(html, status=404, content_type="text/html; charset=utf-8")
