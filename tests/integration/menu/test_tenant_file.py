"""Loading tenant files: validation that names the tenant and field, all-or-nothing loads, and the
rule that owners' changes (prices, availability, hours) survive a reload unless --reset."""

from __future__ import annotations

import pytest

from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file import TenantFileError, load_tenants, parse_tenant_file, read_tenant_file
from tests.menus import SAMPLE_TENANT
from tests.sample import sms

GOOD = """
tenants:
  - id: corner
    name: Corner Cafe
    timezone: America/Chicago
    sms_number: "+15555550170"
    staff:
      - {name: Lee, phone: "+15555550171", role: owner}
    hours: {mon: "07:00-14:00"}
    menu:
      - {name: Coffee, price: "2.00", category: Drinks, aliases: [joe]}
"""


def _errors(text: str) -> list[str]:
    with pytest.raises(TenantFileError) as info:
        parse_tenant_file(text)
    return info.value.problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('price: "2.00"', 'price: "2.001"'), "tenant 'corner': menu[0].price"),
        (('price: "2.00"', 'price: "-2"'), "more than 0"),
        (("timezone: America/Chicago", "timezone: Mars/Base"), "tenant 'corner': timezone"),
        (("id: corner", "id: Corner!"), "id"),
        (("role: owner", "role: boss"), "staff[0].role"),
        (('phone: "+15555550171"', 'phone: "12"'), "staff[0].phone"),
        (('mon: "07:00-14:00"', 'mon: "07:00-25:00"'), "hours"),
        (('mon: "07:00-14:00"', 'funday: "07:00-14:00"'), "funday"),
        (("aliases: [joe]}", 'aliases: [joe]}\n      - {name: Joe, price: "1.00"}'), "names both"),
    ],
)
def test_bad_files_are_refused_naming_tenant_and_field(change, expected):
    problems = _errors(GOOD.replace(*change))
    assert any(expected in p for p in problems), problems


def test_not_yaml_or_no_tenants_list_is_refused():
    assert "YAML" in _errors("tenants: [")[0]
    assert "tenants" in _errors("menu: []")[0]


def test_a_bad_file_loads_nothing(db_url):
    store = MenuStore.from_url(db_url)
    good = parse_tenant_file(GOOD)
    taken = parse_tenant_file(GOOD.replace("id: corner", "id: other"))  # same SMS number
    load_tenants(store, good)
    with pytest.raises(TenantFileError):
        load_tenants(store, parse_tenant_file(GOOD.replace("id: corner", "id: third") + taken_tail()))
    assert store.tenant_ids() == ["corner"]
    assert taken.tenants[0].id == "other"
    store.close()


def taken_tail() -> str:
    return """
  - id: fourth
    name: Fourth
    timezone: UTC
    sms_number: "+15555550170"
"""


def test_reload_keeps_owner_changes_and_refreshes_configuration(store, service):
    service.handle(sms("coffee 2.75"))
    service.handle(sms("86 the reuben"))
    service.handle(sms("closed mondays"))
    text = (
        SAMPLE_TENANT.read_text()
        .replace("aliases: [joe]", "aliases: [joe, java]")
        .replace("name: Blue Plate Diner", "name: The Blue Plate")
    )
    load_tenants(store, parse_tenant_file(text))
    snap = store.snapshot("blue-plate")
    assert snap.tenant.name == "The Blue Plate"
    assert snap.item_named("Coffee").aliases == ("joe", "java")
    assert snap.item_named("Coffee").price_cents == 275
    assert snap.item_named("Reuben").available is False
    assert "mon" not in snap.weekly


def test_reset_makes_menu_and_hours_exactly_the_files(store, service):
    service.handle(sms("coffee 2.75"))
    service.handle(sms("closed mondays"))
    text = SAMPLE_TENANT.read_text().replace('      - {name: Pecan Pie, price: "4.95", category: Dessert}\n', "")
    load_tenants(store, parse_tenant_file(text), reset=True)
    snap = store.snapshot("blue-plate")
    assert snap.item_named("Coffee").price_cents == 250
    assert snap.weekly["mon"] == (("07:00", "15:00"),)
    assert snap.item_named("Pecan Pie") is None


def test_staff_keep_their_identity_across_reloads(store):
    before = {s.name: s.id for s in store.staff("blue-plate")}
    load_tenants(store, read_tenant_file(SAMPLE_TENANT))
    after = {s.name: s.id for s in store.staff("blue-plate")}
    assert before == after


def test_web_tokens_are_stored_hashed_and_rotate(store):
    first = store.issue_token("blue-plate")
    assert store.tenant_by_token(first).id == "blue-plate"
    second = store.issue_token("blue-plate")
    assert store.tenant_by_token(first) is None
    assert store.tenant_by_token(second).id == "blue-plate"
    with store.read() as session:
        from diner_agent.menu.models import Tenant

        assert session.get(Tenant, "blue-plate").web_token_hash != second


AI_BLOCK = (
    GOOD
    + """    ai: {rate_limit: "60/minute", cache_ttl: 900, daily_budget_usd: 2.5, monthly_budget_usd: 40}
"""
)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('rate_limit: "60/minute"', 'rate_limit: "lots"'), "tenant 'corner': ai.rate_limit: 'lots' is not a rate"),
        (("cache_ttl: 900", "cache_ttl: -5"), "tenant 'corner': ai.cache_ttl"),
        (("daily_budget_usd: 2.5", "daily_budget_usd: 0"), "tenant 'corner': ai.daily_budget_usd"),
        (("monthly_budget_usd: 40", "monthly_budget_usd: ten"), "tenant 'corner': ai.monthly_budget_usd"),
        (("cache_ttl: 900", "cache_tll: 900"), "tenant 'corner': ai.cache_tll"),
    ],
)
def test_a_bad_ai_block_is_refused_naming_the_diner_and_field(change, expected):
    text = AI_BLOCK.replace(*change)
    assert change[1] in text
    assert any(expected in problem for problem in _errors(text))


def test_the_ai_block_is_stored_and_read_back_with_the_diner(sqlite_url):
    store = MenuStore.from_url(sqlite_url)
    load_tenants(store, parse_tenant_file(AI_BLOCK))
    policy = store.snapshot("corner").tenant.ai
    assert (policy.rate_limit, policy.cache_ttl, policy.daily_budget_usd, policy.monthly_budget_usd) == (
        "60/minute",
        900,
        2.5,
        40.0,
    )
    load_tenants(store, parse_tenant_file(GOOD))  # the block removed: back to the deployment's defaults
    assert store.snapshot("corner").tenant.ai is None
    store.close()
