"""Reloading a tenant file keeps owners' work: items keep their rows by key (a new name under the same key
is a rename, so "86 club" never meets two clubs), items missing from the file go only with --prune,
--reset alone takes the file's prices, and --dry-run shows the changes and makes none."""

from __future__ import annotations

from click.testing import CliRunner

from diner_agent.cli import main
from diner_agent.commands.service import CommandService
from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file import load_tenants, parse_tenant_file
from tests.sample import sms

FILE = """
tenants:
  - id: corner
    name: Corner Cafe
    timezone: America/New_York
    sms_number: "+15555550170"
    sold_out_until: told
    address: 12 Main St, Springfield
    phone: (555) 555-0170
    website: https://corner.example
    staff:
      - {name: Lee, phone: "+15555550171", role: owner}
    hours: {thu: "07:00-14:00", fri: "07:00-14:00"}
    menu:
      - {name: Club Sandwich, price: "11.50", category: Lunch}
      - {name: Liver and Onions, price: "12.00", category: Dinner}
      - {name: Coffee, price: "2.00", category: Drinks}
"""
LEE = "+15555550171"


def corner(store):
    return store.snapshot("corner")


def test_a_new_name_under_the_same_key_renames_the_row_and_keeps_owners_prices(store, clock):
    load_tenants(store, parse_tenant_file(FILE))
    service = CommandService(store, clock=clock)
    service.handle(sms("club sandwich 12.25", sender=LEE, tenant="corner"))
    before = corner(store).item_named("Club Sandwich")
    renamed = FILE.replace("{name: Club Sandwich,", "{name: Turkey Club, key: club-sandwich,")
    report = load_tenants(store, parse_tenant_file(renamed))
    assert report.items_renamed == 1 and report.items_added == 0
    after = corner(store).item_named("Turkey Club")
    assert after.id == before.id and after.price_cents == 1225
    assert [i.name for i in corner(store).items].count("Turkey Club") == 1
    assert corner(store).item_named("Club Sandwich") is None
    reply = service.handle(sms("86 club", sender=LEE, tenant="corner"))
    assert reply.text.startswith("Turkey Club is now sold out until you text")  # the tenant's `told` rule
    tenant = corner(store).tenant
    assert (tenant.sold_out_until, tenant.address, tenant.phone, tenant.website) == (
        "told",
        "12 Main St, Springfield",
        "(555) 555-0170",
        "https://corner.example",
    )


def test_missing_items_stay_unless_pruned_and_text_additions_survive(store, clock):
    load_tenants(store, parse_tenant_file(FILE))
    service = CommandService(store, clock=clock)
    service.handle(sms("add patty melt 9.99 to lunch", sender=LEE, tenant="corner"))
    service.handle(sms("yes", sender=LEE, tenant="corner"))
    without_liver = FILE.replace('      - {name: Liver and Onions, price: "12.00", category: Dinner}\n', "")
    kept = load_tenants(store, parse_tenant_file(without_liver))
    assert kept.items_removed == 0
    assert "corner: keep Liver and Onions (not in the file; --prune removes it)" in kept.changes
    assert {"Liver and Onions", "Patty Melt"} <= {i.name for i in corner(store).items}
    pruned = load_tenants(store, parse_tenant_file(without_liver), prune=True)
    assert sorted(pruned.changes) == ["corner: remove Liver and Onions", "corner: remove Patty Melt"]
    assert {i.name for i in corner(store).items} == {"Club Sandwich", "Coffee"}
    # Back in the file, a pruned item stays off (as a removal by text does) unless --reset.
    load_tenants(store, parse_tenant_file(FILE))
    assert corner(store).item_named("Liver and Onions") is None
    load_tenants(store, parse_tenant_file(FILE), reset=True)
    assert {i.name for i in corner(store).items} == {"Club Sandwich", "Liver and Onions", "Coffee"}


def test_reset_takes_the_files_prices_and_availability(store, clock):
    load_tenants(store, parse_tenant_file(FILE))
    service = CommandService(store, clock=clock)
    service.handle(sms("coffee 2.50", sender=LEE, tenant="corner"))
    service.handle(sms("86 coffee for today", sender=LEE, tenant="corner"))
    report = load_tenants(store, parse_tenant_file(FILE), reset=True)
    assert "corner: reset Coffee price 2.50 -> 2.00" in report.changes
    coffee = corner(store).item_named("Coffee")
    assert (coffee.price_cents, coffee.available, coffee.sold_out_until) == (200, True, None)


def test_dry_run_prints_the_changes_and_changes_nothing(tmp_path, monkeypatch, db_url):
    monkeypatch.chdir(tmp_path)
    env = {"DATABASE_URL": db_url}
    path = tmp_path / "diners.yaml"
    path.write_text(FILE)
    assert CliRunner().invoke(main, ["tenants", "load", str(path)], env=env).exit_code == 0
    path.write_text(FILE.replace("{name: Club Sandwich,", "{name: Turkey Club, key: club-sandwich,"))
    out = CliRunner().invoke(main, ["tenants", "load", str(path), "--dry-run", "--prune"], env=env)
    assert out.exit_code == 0, out.output
    assert "dry run, nothing changed" in out.output and "corner: rename Club Sandwich -> Turkey Club" in out.output
    store = MenuStore.from_url(db_url)
    try:
        assert store.snapshot("corner").item_named("Club Sandwich") is not None
    finally:
        store.close()
