"""The operator's AI usage dashboard (DESIGN 4.4): `GET /admin/ai-usage` (HTML, server-rendered SVG charts,
no JavaScript) and `GET /admin/ai-usage.json`, for one UTC day (`?date=`, default today) or a range
(`?from=&to=`, inclusive, at most 93 days).

Beside the usage it shows each diner's name, its spend against its budgets (today and this month, in its
own time zone) and the budget alerts raised in the period, as badges on the diner's row and in a list.

Guarded by ADMIN_TOKEN, given as HTTP Basic (any user name: browsers ask for it) or as a bearer token
(scripts), compared in constant time. Without ADMIN_TOKEN the dashboard is off and says so (503), rather
than being open to anyone who finds the URL.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, Response, jsonify, render_template, request
from pydantic import SecretStr

from diner_agent.clock import Clock
from diner_agent.config import secret_value
from diner_agent.menu.store import MenuStore
from diner_agent.menu.usage.alerts import alerts_since
from diner_agent.menu.usage.budgets import budget_lines, tenant_names
from diner_agent.menu.usage.report import MAX_REPORT_DAYS, UsageReport, usage_report
from diner_agent.menu.usage.sink import UsageSink
from diner_agent.web.credentials import admin_only, plain
from diner_agent.web.usage_chart import budget_chart, calls_chart, cost_chart, usd

log = logging.getLogger(__name__)
_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class BadRange(ValueError):
    """Query parameters that name no valid report range; the message says what to send instead."""


def report_range(args: dict[str, str], today: date) -> tuple[date, date]:
    """(first, last) UTC days from `date=`, or `from=` and `to=`, or today."""
    single, first, last = args.get("date"), args.get("from"), args.get("to")
    if single is not None and (first is not None or last is not None):
        raise BadRange("Give either date= or from= and to=, not both.")
    if single is not None:
        day = _day(single, "date")
        return day, day
    if first is None and last is None:
        return today, today
    if first is None or last is None:
        raise BadRange("Give both from= and to= (YYYY-MM-DD, inclusive).")
    start, end = _day(first, "from"), _day(last, "to")
    if end < start:
        raise BadRange(f"to={end} is before from={start}.")
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise BadRange(f"A report covers at most {MAX_REPORT_DAYS} days; ask for a shorter range.")
    return start, end


def _day(value: str, name: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise BadRange(f"{name}={value[:40]!r} is not a date; use YYYY-MM-DD.") from None


def admin_blueprint(
    store: MenuStore,
    admin_token: SecretStr | str | None,
    clock: Clock,
    usage: UsageSink | None = None,
    budgets: tuple[float | None, float | None] = (None, None),
) -> Blueprint:
    """The dashboard; `usage` is this process's usage sink, flushed before each report so the page shows
    every call this process has made (other workers' rows arrive as their writers store them); `budgets`
    the deployment's default daily and monthly budgets (a diner's `ai:` block overrides them)."""
    bp = Blueprint("admin", __name__, template_folder="templates")
    bp.add_app_template_filter(usd, "usd")
    expected = secret_value(admin_token)

    disabled = "The AI usage dashboard is disabled: set ADMIN_TOKEN to enable it, then restart the server."
    admin_only(bp, expected, disabled)

    @bp.errorhandler(BadRange)
    def bad_range(exc: BadRange) -> Response:
        return plain(400, str(exc))

    def report() -> UsageReport:
        first, last = report_range(request.args.to_dict(), clock.now().date())
        if usage is not None:
            usage.flush()
        return usage_report(store, first, last)

    def extras(shown: UsageReport) -> tuple[list[dict], list, dict[str, str]]:
        since = datetime(shown.first.year, shown.first.month, shown.first.day, tzinfo=UTC)
        alerts = [a for a in alerts_since(store, since) if a["at"][:10] <= shown.last.isoformat()]
        lines = budget_lines(store, clock.now(), *budgets)
        names = tenant_names(store, sorted({*shown.tenants, *(a["tenant"] for a in alerts)}))
        return alerts, lines, names

    @bp.get("/admin/ai-usage.json")
    def usage_json() -> Response:
        shown = report()
        alerts, lines, names = extras(shown)
        body = shown.to_dict()
        for row in body["tenants"]:
            row["name"] = names.get(row["tenant"], row["tenant"])
        body.update(alerts=alerts, budgets=[line.to_dict() for line in lines])
        return jsonify(body)

    @bp.get("/admin/ai-usage")
    def usage_page() -> Response:
        shown = report()
        alerts, lines, names = extras(shown)
        first, last = shown.first, shown.last
        span = last - first + timedelta(days=1)
        badges: dict[str, list[str]] = {}
        for alert in reversed(alerts):  # oldest first on the badge
            badges.setdefault(alert["tenant"], []).append(f"{alert['threshold']}% {alert['period']}")
        html = render_template(
            "admin_usage.html",
            report=shown,
            calls=calls_chart(shown.buckets, shown.bucket),
            costs=cost_chart({name: s.cost_usd for name, s in shown.tenants.items()}, names),
            budgets=budget_chart(lines),
            budget_lines=lines,
            alerts=alerts,
            badges=badges,
            names=names,
            single=first == last,
            earlier=(first - span, last - span),
            later=(first + span, last + span),
        )
        response = Response(html, content_type="text/html; charset=utf-8")
        response.headers["Content-Security-Policy"] = _PAGE_POLICY
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return bp
