"""AIGateway behaviour that needs no upstream at all."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry

import diner_agent.gateway as gateway_package
from diner_agent.gateway import AIGateway, GatewayConfig, MemorySink, NotConfigured, Unavailable

MESSAGES = [{"role": "user", "content": "hi"}]


def test_public_names_are_exported_and_sorted():
    assert gateway_package.__all__ == sorted(gateway_package.__all__)
    for name in gateway_package.__all__:
        assert hasattr(gateway_package, name)


def test_without_providers_calls_fail_clearly_and_are_recorded():
    sink = MemorySink()
    with AIGateway(GatewayConfig(), metrics_sink=sink) as gateway:
        assert not gateway.configured
        with pytest.raises(NotConfigured) as caught:
            gateway.complete("blue-plate", MESSAGES)
        assert isinstance(caught.value, Unavailable)
        with pytest.raises(NotConfigured):
            list(gateway.stream("blue-plate", MESSAGES))
    assert [r.status for r in sink.records] == ["not_configured", "not_configured"]
    assert [r.streamed for r in sink.records] == [False, True]


def test_many_gateways_share_one_registry_without_duplicate_errors():
    registry = CollectorRegistry()
    for _ in range(3):
        AIGateway(GatewayConfig(), registry=registry).close()
    AIGateway(GatewayConfig()).close()  # the global registry, twice in a row
    AIGateway(GatewayConfig()).close()


def test_metrics_reach_prometheus():
    registry = CollectorRegistry()
    with AIGateway(GatewayConfig(), registry=registry) as gateway, pytest.raises(NotConfigured):
        gateway.complete("blue-plate", MESSAGES)
    labels = {"tenant": "blue-plate", "provider": "none", "status": "not_configured"}
    assert registry.get_sample_value("diner_ai_requests_total", labels) == 1


@pytest.mark.parametrize(
    "kwargs",
    [{"metadata": {"nested": {"a": 1}}}, {"max_tokens": 0}, {"metadata": {"cf.x": 1}}],
)
def test_invalid_arguments_are_refused_before_any_call(kwargs):
    with AIGateway(GatewayConfig()) as gateway, pytest.raises(ValueError):
        gateway.complete("blue-plate", MESSAGES, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_limit": "ten per minute"},
        {"rate_limit_mode": "drop"},
        {"cache_scope": "global"},
        {"total_timeout": 0},
        {"breaker_failures": 0},
    ],
)
def test_invalid_configuration_is_refused(kwargs):
    with pytest.raises(ValueError):
        GatewayConfig(**kwargs)


def test_credentials_stay_out_of_the_config_repr():
    config = GatewayConfig(gateway_token="s3cret-g", api_token="s3cret-a", openai_api_key="s3cret-o")
    assert "s3cret" not in repr(config)


def test_call_records_serialise_for_the_jsonl_export():
    sink = MemorySink()
    with AIGateway(GatewayConfig(), metrics_sink=sink) as gateway, pytest.raises(NotConfigured):
        gateway.complete("blue-plate", MESSAGES)
    row = sink.records[0].to_dict()
    assert row["at"].endswith("+00:00") and row["tenant"] == "blue-plate"
    assert set(row) == {
        "at",
        "tenant",
        "provider",
        "model",
        "cache_hit",
        "coalesced",
        "rate_limited",
        "streamed",
        "status",
        "fallback_step",
        "latency_ms",
        "prompt_tokens",
        "completion_tokens",
        "cost_usd",
        "cost_estimated",
        "log_id",
        "error",
        "retried",
    }
