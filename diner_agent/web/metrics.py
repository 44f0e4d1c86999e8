"""`GET /metrics` in the Prometheus text format, and a count of HTTP requests by route and status.

Under gunicorn each worker process has its own counters. When PROMETHEUS_MULTIPROC_DIR is set (`diner-agent
serve` sets it before forking), prometheus_client keeps every worker's values in files there and
`/metrics` adds them up with a MultiProcessCollector, so any worker answers for all of them. Without it,
the process's default registry is the answer.

Labels stay low-cardinality: the URL rule (`/menu/<tenant_id>.json`), never the path, a known method or
"other", and the status code.

Who may read it: with METRICS_TOKEN set, only a request carrying it (bearer, or Basic as password);
without one, only this machine (a scraper on localhost, or through `TRUST_PROXY`'s forwarded address).
Series labelled by diner (the gateway's AI calls and cost) list every diner id with what it spends, so they
are summed over diners unless METRICS_PER_DINER is on.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import weakref
from collections.abc import Iterable, Iterator

from flask import Blueprint, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.samples import Sample

from diner_agent.web.credentials import presents

log = logging.getLogger(__name__)
TENANT_LABEL = "tenant"

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


class _Source:
    """What `generate_latest` reads: anything with `collect()`."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


def without_tenants(families: Iterable[Metric]) -> Iterator[Metric]:
    """Each family with its `tenant` label summed away (counters, histogram buckets, sums and counts all add
    up), so the totals stay and no diner id is listed."""
    for family in families:
        if not any(TENANT_LABEL in sample.labels for sample in family.samples):
            yield family
            continue
        totals: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        for sample in family.samples:
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != TENANT_LABEL))
            key = (sample.name, labels)
            totals[key] = totals.get(key, 0.0) + sample.value
        summed = Metric(family.name, family.documentation, family.type, family.unit)
        summed.samples = [Sample(name, dict(labels), value) for (name, labels), value in totals.items()]
        yield summed


def exposition(registry: CollectorRegistry | None = None, *, per_diner: bool = False) -> tuple[bytes, str]:
    """The metrics text of this process (or of `registry`), or of every worker in multiprocess mode."""
    # prometheus_client itself reads this variable (at import) to pick file-backed values, so the same
    # variable, not a setting that could disagree with it, decides how to collect them.
    if registry is None and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    source = registry if registry is not None else REGISTRY
    if not per_diner:
        source = _Source(without_tenants(source.collect()))
    return generate_latest(source), CONTENT_TYPE_LATEST  # type: ignore[arg-type]


def _this_machine(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def metrics_blueprint(
    registry: CollectorRegistry | None = None, *, token: str | None = None, per_diner: bool = False
) -> Blueprint:
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
        if token is not None and not presents(token):
            response = Response("Authentication required: METRICS_TOKEN as bearer token.\n", status=401)
            response.headers["WWW-Authenticate"] = 'Bearer realm="diner-agent metrics"'
            return response
        if token is None and not _this_machine(request.remote_addr):
            log.info("refused /metrics from another machine: METRICS_TOKEN is not set.")
            return Response("Forbidden: set METRICS_TOKEN to read metrics from another machine.\n", status=403)
        body, content_type = exposition(registry, per_diner=per_diner)
        return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})

    return bp
