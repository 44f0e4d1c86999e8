"""`GET /metrics` in the Prometheus text format, and a count of HTTP requests by route and status.

Under gunicorn each worker process has its own counters. When PROMETHEUS_MULTIPROC_DIR is set (`diner-agent
serve` sets it before forking), prometheus_client keeps every worker's values in files there and
`/metrics` adds them up with a MultiProcessCollector, so any worker answers for all of them. Without it,
the process's default registry is the answer.

Labels stay low-cardinality: the URL rule (`/menu/<tenant_id>.json`), never the path, a known method or
"other", and the status code.
"""

from __future__ import annotations

import os
import threading
import weakref

from flask import Blueprint, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_counters: weakref.WeakKeyDictionary[CollectorRegistry, Counter] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def http_requests(registry: CollectorRegistry | None = None) -> Counter:
    """The request counter on `registry` (default: the global one), created on first use.

    prometheus_client refuses a second series of the same name on one registry, and tests build many
    apps in one process, so the counter is shared per registry.
    """
    registry = registry if registry is not None else REGISTRY
    with _lock:
        counter = _counters.get(registry)
        if counter is None:
            counter = _counters[registry] = Counter(
                "diner_http_requests",
                "HTTP requests answered, by URL rule, method and status.",
                ["endpoint", "method", "status"],
                registry=registry,
            )
        return counter


def exposition() -> tuple[bytes, str]:
    """The metrics text of this process, or of every worker in multiprocess mode."""
    # prometheus_client itself reads this variable (at import) to pick file-backed values, so the same
    # variable, not a setting that could disagree with it, decides how to collect them.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def metrics_blueprint(registry: CollectorRegistry | None = None) -> Blueprint:
    bp = Blueprint("metrics", __name__)
    counter = http_requests(registry)

    @bp.after_app_request
    def count(response: Response) -> Response:
        rule = request.url_rule.rule if request.url_rule is not None else "unmatched"
        method = request.method if request.method in _METHODS else "other"
        counter.labels(rule, method, str(response.status_code)).inc()
        return response

    @bp.get("/metrics")
    def metrics() -> Response:
        body, content_type = exposition()
        return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})

    return bp
