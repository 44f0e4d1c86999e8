"""`GET /metrics`: Prometheus text with the gateway's series and HTTP requests by route, and the same
totals from every worker when `diner-agent serve` runs several."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from diner_agent.server import MULTIPROC_VAR, multiprocess_metrics
from tests import pinned_clock
from tests.procfile import subprocess_env


def samples(text: str, name: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples if s.name == name]


def test_metrics_carry_the_gateways_series_and_requests_by_route(make_site, fake_cloudflare):
    site = make_site(metrics_per_diner=True)  # per-diner series are opt-in (security/test_what_logs_...)
    site.openai().chat.completions.create(model="diner-agent", messages=[{"role": "user", "content": "Hi there"}])
    httpx.get(f"{site.url}/menu/blue-plate.json")
    httpx.get(f"{site.url}/no/such/page-d41d8cd9")

    response = httpx.get(f"{site.url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    text = response.text
    ai = samples(text, "diner_ai_requests_total")
    assert any(
        s.labels == {"tenant": "blue-plate", "provider": "ai-gateway", "status": "ok"} and s.value >= 1 for s in ai
    )
    http = {
        (s.labels["endpoint"], s.labels["method"], s.labels["status"])
        for s in samples(text, "diner_http_requests_total")
    }
    assert ("/v1/chat/completions", "POST", "200") in http
    assert ("/menu/<tenant_id>.json", "GET", "200") in http
    assert ("unmatched", "GET", "404") in http
    assert "d41d8cd9" not in text and "blue-plate.json" not in text  # rules, never paths


def test_the_metrics_directory_is_made_for_the_servers_lifetime_and_removed(monkeypatch):
    monkeypatch.delenv(MULTIPROC_VAR, raising=False)
    with multiprocess_metrics() as path:
        assert path.is_dir() and os.environ[MULTIPROC_VAR] == str(path)
    assert not path.exists() and MULTIPROC_VAR not in os.environ


def test_an_operators_metrics_directory_is_kept_but_emptied(monkeypatch, tmp_path):
    (tmp_path / "counter_123.db").write_bytes(b"from an earlier run")
    (tmp_path / "notes.txt").write_text("not ours")
    monkeypatch.setenv(MULTIPROC_VAR, str(tmp_path))
    with multiprocess_metrics() as path:
        assert path == tmp_path and not (tmp_path / "counter_123.db").exists()
    assert (tmp_path / "notes.txt").exists() and os.environ[MULTIPROC_VAR] == str(tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_serve_with_two_workers_counts_requests_across_worker_processes(tmp_path, sqlite_url):
    """The real `diner-agent serve`: the worker that served the first requests is stopped, and the
    worker that answers /metrics afterwards still reports them (they live in the shared directory)."""
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    env = subprocess_env(
        {
            "DATABASE_URL": sqlite_url,
            MULTIPROC_VAR: str(metrics_dir),
            "CLOUDFLARE_AI_GATEWAY_URL": "",
            "CLOUDFLARE_ACCOUNT_ID": "",
            "LLM_BASE_URL": "",
        }
    )
    command = pinned_clock.command("diner_agent.cli", "serve", "--host", "127.0.0.1", "--port", str(port))
    server = subprocess.Popen(
        [*command, "--workers", "2", "--threads", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    close = {"Connection": "close"}
    try:
        for _ in range(300):  # start-up: gunicorn, then each worker builds its app
            try:
                if httpx.get(f"{base}/healthz", headers=close).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        for _ in range(9):
            assert httpx.get(f"{base}/healthz", headers=close).status_code == 200
        served = [int(p.stem.split("_")[1]) for p in metrics_dir.glob("counter_*.db")]
        assert served, "the workers keep their counters in PROMETHEUS_MULTIPROC_DIR"
        for pid in served:
            os.kill(pid, signal.SIGTERM)  # gunicorn starts a new worker in its place
        for _ in range(300):
            if all(_gone(pid) for pid in served):
                break
            time.sleep(0.05)
        text = httpx.get(f"{base}/metrics", headers=close).text
        healthz = [s for s in samples(text, "diner_http_requests_total") if s.labels["endpoint"] == "/healthz"]
        assert sum(s.value for s in healthz) == 10  # the first successful probe and the nine after it
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
