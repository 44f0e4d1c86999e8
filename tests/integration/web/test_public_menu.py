"""The public menu contract (DESIGN 4.3) through the app, and how a change shows up at once."""

from __future__ import annotations

import json
import re

import pytest

from diner_agent.app import create_app
from diner_agent.assembly import Assembly
from tests.sample import sms


@pytest.fixture
def app(store, db_url, clock):
    app = create_app(database_url=db_url, clock=clock)
    yield app
    Assembly.of(app).close()


@pytest.fixture
def client(app):
    return app.test_client()


def test_menu_json_has_exactly_the_contract_shape(client):
    response = client.get("/menu/blue-plate.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert list(doc) == [
        "tenant",
        "name",
        "timezone",
        "currency",
        "open_now",
        "closure",
        "hours",
        "special_hours",
        "today",
        "items",
    ]
    assert doc["tenant"] == "blue-plate" and doc["currency"] == "USD" and doc["open_now"] is True
    assert doc["closure"] is None
    assert doc["hours"]["mon"] == [{"open": "07:00", "close": "15:00"}] and doc["hours"]["sun"] == []
    assert doc["items"][0] == {
        "name": "Coffee",
        "category": "Drinks",
        "price": "2.50",
        "available": True,
        "back_at": None,
    }
    assert doc["special_hours"] == {}
    # Thursday 10:00 in New York: open 7-3 today, next opening tomorrow at 7.
    assert doc["today"] == {
        "date": "2026-11-26",
        "intervals": [{"open": "07:00", "close": "15:00"}],
        "open_now": True,
        "next_open": "2026-11-27T07:00:00-05:00",
    }


def test_a_text_changes_the_public_menu_at_once(app, client, clock):
    first = client.get("/menu/blue-plate.json")
    service = Assembly.of(app).service
    service.handle(sms("86 the pot roast"))
    service.handle(sms("coffee 2.75"))
    service.handle(sms("closing at 2 today"))
    doc = client.get("/menu/blue-plate.json", headers={"If-None-Match": first.headers["ETag"]}).get_json()
    items = {i["name"]: i for i in doc["items"]}
    assert items["Pot Roast"]["available"] is False and items["Coffee"]["price"] == "2.75"
    assert doc["special_hours"] == {"2026-11-26": [{"open": "07:00", "close": "14:00"}]}


def test_emergency_closure_shows_with_reason_and_until(app, client):
    service = Assembly.of(app).service
    service.handle(sms("close the diner until 4pm, burst pipe"))
    doc = client.get("/menu/blue-plate.json").get_json()
    assert doc["open_now"] is False
    assert doc["closure"]["reason"] == "burst pipe"
    assert doc["closure"]["until"] == "2026-11-26T16:00:00-05:00"
    assert doc["closure"]["since"].startswith("2026-11-26T10:00:00")


def test_unknown_tenant_is_a_json_404_for_machines_and_a_page_for_people(client):
    response = client.get("/menu/nope.json")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
    for path in ("/menu/nope", "/menu/nope/embed"):
        page = client.get(path)
        assert page.status_code == 404 and page.mimetype == "text/html"
        assert "We couldn't find that menu" in page.get_data(as_text=True)


def test_unchanged_menu_revalidates_with_304(client):
    first = client.get("/menu/blue-plate.json")
    again = client.get("/menu/blue-plate.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert first.headers["Cache-Control"] == "public, max-age=30, stale-while-revalidate=300"


def test_html_page_carries_schema_org_json_ld(client):
    response = client.get("/menu/blue-plate")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "Restaurant" and ld["name"] == "Blue Plate Diner"
    names = [i["name"] for s in ld["hasMenu"]["hasMenuSection"] for i in s["hasMenuItem"]]
    assert "Pecan Pie" in names
    assert {"@type": "OpeningHoursSpecification", "dayOfWeek": "Monday", "opens": "07:00", "closes": "15:00"} in ld[
        "openingHoursSpecification"
    ]


def test_html_escapes_what_owners_type(app, client):
    Assembly.of(app).service.handle(sms("emergency close, <script>alert(1)</script>"))
    html = client.get("/menu/blue-plate").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


def test_several_workers_without_redis_warn_loudly_at_start(db_url, clock, caplog):
    with caplog.at_level("WARNING", logger="diner_agent"):
        app = create_app(database_url=db_url, clock=clock, web_concurrency=4, redis_url=None)
    Assembly.of(app).close()
    assert any("PER PROCESS" in r.getMessage() and "REDIS_URL" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING", logger="diner_agent"):
        app = create_app(database_url=db_url, clock=clock, web_concurrency=1, redis_url=None)
    Assembly.of(app).close()
    assert not any("PER PROCESS" in r.getMessage() for r in caplog.records)
