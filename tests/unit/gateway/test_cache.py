from diner_agent.gateway.answer import Answer
from diner_agent.gateway.cache import MemoryCache, cache_key
from tests.fakes.clock import FakeClock

MESSAGES = [{"role": "user", "content": "86 the meatloaf"}]
BASE = dict(model="@cf/m", messages=MESSAGES, response_format=None, max_tokens=256, temperature=0.0, stream=False)


def key(**overrides):
    args = dict(BASE, tenant="blue-plate", scope="tenant")
    args.update(overrides)
    return cache_key(**args)


def answer(text="x"):
    return Answer(text, "ai-gateway", "@cf/m", 1, 1)


def test_key_ignores_dict_order_and_number_spelling():
    reordered = [{"content": "86 the meatloaf", "role": "user"}]
    assert key() == key(messages=reordered) == key(temperature=0)


def test_key_changes_with_everything_that_changes_the_answer():
    variants = [
        key(model="@cf/other"),
        key(messages=[{"role": "user", "content": "86 the pie"}]),
        key(response_format={"type": "json_object"}),
        key(max_tokens=100),
        key(temperature=0.5),
        key(stream=True),
    ]
    assert len({key(), *variants}) == 1 + len(variants)


def test_tenant_scope_separates_tenants_and_shared_scope_does_not():
    assert key(tenant="a") != key(tenant="b")
    assert key(tenant="a", scope="shared") == key(tenant="b", scope="shared")


def test_key_is_a_sha256_hex_digest():
    assert len(key()) == 64 and int(key(), 16) >= 0


def test_memory_cache_expires_entries_by_the_clock():
    clock = FakeClock(frozen=True)
    cache = MemoryCache(clock)
    cache.put("k", answer(), ttl=10)
    clock.advance(9.9)
    assert cache.get("k") == answer()
    clock.advance(0.2)
    assert cache.get("k") is None


def test_memory_cache_is_bounded_and_evicts_the_least_recently_used():
    cache = MemoryCache(FakeClock(frozen=True), max_entries=2)
    cache.put("a", answer("a"), 60)
    cache.put("b", answer("b"), 60)
    cache.get("a")
    cache.put("c", answer("c"), 60)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (answer("a"), None, answer("c"))
    assert len(cache) == 2


def test_answers_round_trip_through_json_with_their_chunks():
    streamed = Answer("ab", "workers-ai", "@cf/m", 3, 2, True, "log", False, 1, 12.5, ("a", "b"))
    assert Answer.from_json(streamed.to_json()) == streamed


def _key(messages, context):
    return cache_key(
        tenant="blue-plate",
        scope="tenant",
        model="m",
        messages=messages,
        response_format=None,
        max_tokens=100,
        temperature=0.3,
        stream=False,
        context=context,
    )


def test_with_a_context_the_key_ignores_the_system_prompt_but_not_the_context_or_the_conversation():
    at_ten = [{"role": "system", "content": "Now: 10:00."}, {"role": "user", "content": "Pie?"}]
    at_ten_past = [{"role": "system", "content": "Now: 10:10."}, {"role": "user", "content": "Pie?"}]
    assert _key(at_ten, "menu:blue-plate:7") == _key(at_ten_past, "menu:blue-plate:7")
    assert _key(at_ten, "menu:blue-plate:7") != _key(at_ten, "menu:blue-plate:8")  # the menu changed
    assert _key(at_ten, None) != _key(at_ten_past, None)  # without a context the prompt is part of the key
    other = [at_ten[0], {"role": "user", "content": "Cake?"}]
    assert _key(at_ten, "menu:blue-plate:7") != _key(other, "menu:blue-plate:7")
