from decimal import Decimal

import pytest

from diner_agent.gateway.pricing import RATES, cost_of, estimate_prompt_tokens, estimate_tokens


def test_price_comes_from_neurons_at_0_011_dollars_per_thousand():
    rate = RATES["@cf/meta/llama-3.1-8b-instruct-fp8-fast"]
    assert rate.usd_per_m_in == Decimal("0.045309")  # 4,119 neurons; the docs round it to $0.045
    assert rate.usd_per_m_out == Decimal("0.383548")


def test_a_million_tokens_each_way_on_fp8_fast():
    cost = cost_of("@cf/meta/llama-3.1-8b-instruct-fp8-fast", 1_000_000, 1_000_000)
    assert cost == cost.__class__(Decimal("0.428857"), False)


def test_small_calls_keep_their_precision():
    cost = cost_of("@cf/meta/llama-3.2-1b-instruct", 100, 20)
    assert cost.usd == (100 * 2_457 + 20 * 18_252) * Decimal("0.011") / 1000 / 1_000_000
    assert not cost.estimated


def test_llama_31_8b_fast_is_priced_like_fp8_fast_and_flagged():
    fast = cost_of("@cf/meta/llama-3.1-8b-instruct-fast", 500, 50)
    fp8 = cost_of("@cf/meta/llama-3.1-8b-instruct-fp8-fast", 500, 50)
    assert fast.usd == fp8.usd and fast.estimated and not fp8.estimated


def test_gateway_model_prefix_is_ignored():
    assert cost_of("workers-ai/@cf/meta/llama-3.2-3b-instruct", 10, 10) == cost_of(
        "@cf/meta/llama-3.2-3b-instruct", 10, 10
    )


@pytest.mark.parametrize("model", ["llama3.1:8b", None, ""])
def test_unknown_models_cost_nothing_and_are_flagged(model):
    cost = cost_of(model, 1000, 1000)
    assert cost.usd == 0 and cost.estimated


def test_estimated_usage_flags_the_cost():
    assert cost_of("@cf/meta/llama-3.2-3b-instruct", 10, 10, usage_estimated=True).estimated


def test_token_estimate_is_about_four_characters_each():
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_prompt_tokens([{"role": "user", "content": "abcdefgh"}]) == 2 + 4
