"""The public page, embed and JSON as a CDN sees them: an ETag on each that is answered 304 while nothing
shown has changed, and that changes when a text changes the menu or when time crosses what the page
shows (an item's back_at, the close); the page's words for today's status; JSON-LD with the contact
fields and a closure."""

from __future__ import annotations

import json
import re

import pytest

from diner_agent.app import create_app
from diner_agent.assembly import Assembly
from tests.sample import sms

PAGES = ("/menu/blue-plate.json", "/menu/blue-plate", "/menu/blue-plate/embed")


@pytest.fixture
def app(store, db_url, clock):
    app = create_app(database_url=db_url, clock=clock)
    yield app
    Assembly.of(app).close()


def tags(client):
    return {path: client.get(path).headers["ETag"] for path in PAGES}


def test_all_three_revalidate_with_304_and_a_cdn_friendly_cache_control(app):
    client = app.test_client()
    for path, tag in tags(client).items():
        response = client.get(path, headers={"If-None-Match": tag})
        assert response.status_code == 304 and response.data == b"", path
        assert response.headers["Cache-Control"] == "public, max-age=30, stale-while-revalidate=300"
        assert response.headers["ETag"].strip('"') == tag.strip('"')


def test_the_etag_moves_with_a_text_and_with_time_crossing_what_is_shown(app, clock):
    client, service = app.test_client(), Assembly.of(app).service
    first = tags(client)
    clock.advance(minutes=10)  # nothing shown has changed
    assert tags(client) == first
    service.handle(sms("86 the pot roast till 11"))
    sold = tags(client)
    assert all(sold[p] != first[p] for p in PAGES)
    clock.advance(minutes=49)  # 10:59, still sold out
    assert tags(client) == sold
    clock.advance(minutes=1)  # 11:00, back by itself: a new page
    back = tags(client)
    assert all(back[p] != sold[p] for p in PAGES)
    assert client.get("/menu/blue-plate.json", headers={"If-None-Match": sold[PAGES[0]]}).status_code == 200


def test_the_page_says_todays_real_status(app, clock):
    client, service = app.test_client(), Assembly.of(app).service
    service.handle(sms("closing at 2 today"))
    html = client.get("/menu/blue-plate").get_data(as_text=True)
    assert "Open today 7am–2pm" in html
    assert "closing early" in html and "7am–2pm today" in html
    clock.advance(hours=5)  # 15:00, closed since 2
    html = client.get("/menu/blue-plate").get_data(as_text=True)
    assert "Closed now" in html and "opens tomorrow at 7am" in html
    assert "Machine-readable" not in html and "blue-plate.json</a>" not in html
    assert 'rel="icon"' in html and client.get("/favicon.ico").mimetype == "image/svg+xml"


def test_json_ld_advertises_the_closure_and_the_special_days_ahead_only(app):
    client, service = app.test_client(), Assembly.of(app).service
    service.handle(sms("closed christmas"))
    service.handle(sms("emergency close, burst pipe"))
    html = client.get("/menu/blue-plate").get_data(as_text=True)
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    special = ld["specialOpeningHoursSpecification"]
    assert {"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00"}.items() <= special[0].items()
    assert special[0]["validFrom"] == "2026-12-25"
    assert special[-1]["validFrom"] == "2026-11-26"  # the closure, from today
    assert "Closed today: burst pipe" in html and "hours muted" in html
    assert ld["hasMenu"]["url"].endswith("/menu/blue-plate")
