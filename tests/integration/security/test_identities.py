"""Who a person is does not outlive them on the staff list: identities are never reused, a reload knows
people by their phone or Slack id (never by name), removing someone ends their rights and their pending
requests, and UNDO checks the sender's role as it is now. On the real store, SQLite and Postgres."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from diner_agent.commands.model import Inbound
from diner_agent.commands.service import CommandService
from diner_agent.menu import models as m
from diner_agent.menu.tenant_file import load_tenants, parse_tenant_file

CAFE = "corner-cafe"
ANN, BOB, CID = "+15555550161", "+15555550162", "+15555550163"


def cafe(*staff: str) -> str:
    """A one-diner tenant file; loaded after the sample diners, so its people get the newest row ids."""
    people = "\n".join(f"      - {p}" for p in staff)
    return f"""
tenants:
  - id: {CAFE}
    name: Corner Cafe
    timezone: America/Chicago
    sms_number: "+15555550160"
    slack_team: T0CORNERC
    staff:
{people}
    hours: {{mon: "07:00-15:00"}}
    menu:
      - {{name: Coffee, price: "2.50"}}
      - {{name: Pie, price: "4.00"}}
"""


def text(service: CommandService, sender: str, body: str):
    return service.handle(Inbound(CAFE, "sms", sender, body))


def item(store, name: str):
    return store.snapshot(CAFE).item_named(name)


@pytest.fixture
def cafe_service(store, clock):
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: owner}}',
                                               f'{{name: Bob, phone: "{BOB}", role: staff}}')))  # fmt: skip
    return CommandService(store, clock=clock)


def test_a_new_person_never_gets_a_removed_persons_identity(store, cafe_service):
    assert text(cafe_service, BOB, "86 the pie").kind == "applied"
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: owner}}',
                                               f'{{name: Cid, phone: "{CID}", role: owner}}')))  # fmt: skip
    ids = {p.name: p.id for p in store.snapshot(CAFE).staff}
    with store.read() as s:
        used = set(s.scalars(select(m.AuditEntry.actor).where(m.AuditEntry.tenant_id == CAFE)))
    assert f"staff:{ids['Cid']}" not in used
    assert "no change" in text(cafe_service, CID, "undo").text
    assert item(store, "Pie").available is False  # Bob's change stands


def test_a_reload_knows_people_by_phone_not_by_name(store, cafe_service):
    text(cafe_service, BOB, "86 the pie")
    # Another Bob, with another phone: a new person, whatever the file calls him.
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: owner}}',
                                               f'{{name: Bob, phone: "{CID}", role: staff}}')))  # fmt: skip
    assert "no change" in text(cafe_service, CID, "undo").text
    assert item(store, "Pie").available is False
    assert text(cafe_service, BOB, "pie is back").kind == "refused"  # the old Bob has no rights any more


def test_removing_a_person_cancels_their_pending_requests(store, cafe_service):
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: owner}}',
                                               f'{{name: Bob, phone: "{BOB}", role: owner}}')))  # fmt: skip
    assert text(cafe_service, BOB, "coffee 9.00").kind == "confirm"  # a > 50% change waits for YES
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: owner}}')))
    with store.read() as s:
        statuses = list(s.scalars(select(m.PendingConfirmation.status).where(m.PendingConfirmation.tenant_id == CAFE)))
    assert statuses == ["cancelled"]
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: owner}}',
                                               f'{{name: Bob, phone: "{BOB}", role: owner}}')))  # fmt: skip
    assert "Nothing is waiting" in text(cafe_service, BOB, "yes").text
    assert item(store, "Coffee").price_cents == 250


def test_undo_checks_the_senders_role_as_it_is_now(store, cafe_service):
    assert text(cafe_service, ANN, "coffee 3.00").kind == "applied"
    load_tenants(store, parse_tenant_file(cafe(f'{{name: Ann, phone: "{ANN}", role: staff}}',
                                               f'{{name: Bob, phone: "{BOB}", role: owner}}')))  # fmt: skip
    reply = text(cafe_service, ANN, "undo")
    assert reply.kind == "refused" and "owner" in reply.text
    assert item(store, "Coffee").price_cents == 300


def test_staff_still_undo_their_own_availability_changes(store, cafe_service):
    text(cafe_service, BOB, "86 the pie")
    assert text(cafe_service, BOB, "undo").kind == "applied"
    assert item(store, "Pie").available is True
