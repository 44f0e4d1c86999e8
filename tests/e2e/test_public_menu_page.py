"""The public menu page on a phone-sized screen in Chromium: open, closing early today, an emergency
closure, a special, an item back at its time. Each state is checked for what a customer reads and
photographed; with SAVE_SCREENSHOTS=1 the pictures go to docs/screenshots/ (looked at by eye, described in
docs/public-menu.md), otherwise to a temporary directory, so a test run leaves the checkout as it was."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from diner_agent.assembly import Assembly
from tests.sample import DEMO, DEMO_DANA, sms

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = DOCS_SHOTS if os.environ.get("SAVE_SCREENSHOTS") == "1" else Path(tempfile.mkdtemp(prefix="menu-shots-"))


def text(service, words: str) -> str:
    return service.handle(sms(words, sender=DEMO_DANA, tenant=DEMO)).text


def shot(page, name: str, *, hours: bool = False) -> None:
    """The phone's screen as a customer first sees it; with `hours`, also the hours section."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    if hours:
        page.locator("section.hours").screenshot(path=str(SHOTS / f"{name}-hours.png"))


def test_open_with_a_special_and_a_sold_out_item_then_back_at_its_time(context, site):
    service = Assembly.of(site.app).service
    assert text(service, "today's special: meatloaf sandwich 9.99").startswith("Special: Meatloaf Sandwich")
    assert text(service, "86 the coffee till 11").startswith("Coffee is now sold out until 11am")
    page = context.new_page()
    response = page.goto(f"{site.url}/menu/demo-diner")
    assert response.status == 200
    assert page.locator(".status .pill").inner_text() == "Open today 6:30am\u20133pm"
    assert page.locator(".contact .phone a").get_attribute("href") == "tel:5555550150"
    assert page.locator(".contact .address").inner_text() == "1200 Route 9, Millbrook, NY 12545"
    first = page.locator("section.menu-section").first
    assert first.get_attribute("data-section") == "Specials"
    assert first.locator(".name").inner_text() == "Meatloaf Sandwich"
    coffee = page.locator('li.item[data-item="Coffee"]')
    assert "soldout" in coffee.get_attribute("class")
    assert coffee.locator(".note").inner_text() == "Sold out \u00b7 back today at 11am"
    assert page.locator("text=demo-diner.json").count() == 0  # no link text meant for machines
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, "open-special-sold-out")

    site.clock.advance(hours=1)  # 11:00: the coffee is back by itself
    page.reload()
    coffee = page.locator('li.item[data-item="Coffee"]')
    assert "soldout" not in coffee.get_attribute("class") and coffee.locator(".note").count() == 0
    shot(page, "back-at-its-time")


def test_closing_early_today_and_upcoming_special_days_in_words(context, site):
    service = Assembly.of(site.app).service
    text(service, "closing at 2 today")
    text(service, "closed christmas")
    text(service, "closed jan 30")  # more than 30 days ahead: not on the page
    page = context.new_page()
    page.goto(f"{site.url}/menu/demo-diner")
    assert page.locator(".status .pill").inner_text() == "Open today 6:30am\u20132pm"
    assert page.locator(".status .detail").inner_text() == "closing early"
    days = page.locator("table.special-days tr").all_inner_texts()
    assert days == ["Today\t6:30am\u20132pm", "Fri, Dec 25\tClosed"]
    assert page.locator("tr.today td.day").inner_text() == "Thu"
    assert page.locator("tr.today td.when").inner_text() == "6:30am\u20132pm today"  # not the regular 3pm
    shot(page, "closing-early", hours=True)


def test_an_emergency_closure_leads_the_page_and_mutes_the_hours(context, site):
    service = Assembly.of(site.app).service
    text(service, "emergency close until 4pm, burst pipe")
    page = context.new_page()
    page.goto(f"{site.url}/menu/demo-diner")
    banner = page.locator(".emergency")
    assert banner.locator("strong").inner_text() == "Closed today: burst pipe"
    assert "Expected to reopen tomorrow at 6:30am" in banner.inner_text()  # after 4pm it is closed for the day
    assert "muted" in page.locator("section.hours").get_attribute("class")
    ld = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    closed = [s for s in ld["specialOpeningHoursSpecification"] if s["opens"] == "00:00" and s["closes"] == "00:00"]
    assert closed and closed[-1]["validFrom"] == "2026-11-26"
    assert ld["telephone"] == "(555) 555-0150" and ld["address"].startswith("1200 Route 9")
    shot(page, "emergency-closure", hours=True)


def test_closed_now_says_when_it_opens_and_unknown_diners_get_a_page(context, site):
    site.clock.advance(hours=6)  # Thursday 16:00, after the 3pm close
    page = context.new_page()
    page.goto(f"{site.url}/menu/demo-diner")
    assert page.locator(".status .pill").inner_text() == "Closed now"
    assert page.locator(".status .detail").inner_text() == "opens tomorrow at 6:30am"
    shot(page, "closed-now")
    missing = page.goto(f"{site.url}/menu/no-such-diner")
    assert missing.status == 404 and "text/html" in missing.headers["content-type"]
    assert page.locator("h1").inner_text() == "We couldn't find that menu"
    icon = page.goto(f"{site.url}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/svg+xml"


def test_the_embed_page_fits_an_iframe(context, site):
    page = context.new_page()
    page.set_content(f'<iframe src="{site.url}/menu/demo-diner/embed" style="width:360px;height:600px"></iframe>')
    frame = page.frame_locator("iframe")
    assert frame.locator(".status .pill").inner_text() == "Open today 6:30am\u20133pm"
    assert frame.locator("h1").count() == 0 and frame.locator("footer").count() == 0
    assert frame.locator('li.item[data-item="Coffee"] .price').inner_text() == "$2.50"
    shot(page, "embed")
