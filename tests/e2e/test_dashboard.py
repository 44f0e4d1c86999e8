"""The AI usage dashboard in a browser: the browser's own Basic-auth prompt answered with ADMIN_TOKEN,
then a table and SVG charts showing the chat calls made here."""

from __future__ import annotations

from datetime import timedelta

from tests.fakes.cloudflare import Reply
from tests.live_site import ADMIN_TOKEN


def ask(client, text: str) -> None:
    client.chat.completions.create(model="diner-agent", messages=[{"role": "user", "content": text}])


def test_the_dashboard_shows_the_calls_in_its_table_and_charts(browser, site, fake_cloudflare):
    fake_cloudflare.gateway.always(Reply("Sure.", usage={"prompt_tokens": 200, "completion_tokens": 20}))
    blue = site.openai()
    ask(blue, "Suggest a pie special.")
    ask(blue, "Suggest a soup special.")
    ask(blue, "Suggest a pie special.")  # the same again: from the cache
    ask(site.openai(api_key=site.store.issue_token("demo-diner")), "Suggest a pie special.")

    today = site.clock.now().date()  # the gateway stamps calls with the app's clock
    context = browser.new_context(http_credentials={"username": "ops", "password": ADMIN_TOKEN})
    try:
        page = context.new_page()
        response = page.goto(f"{site.url}/admin/ai-usage?from={today - timedelta(days=1)}&to={today}")
        assert response.status == 200

        row = page.locator('#usage tr[data-tenant="blue-plate"]')

        def cell(field: str) -> str:
            return row.locator(f'td[data-field="{field}"]').inner_text()

        assert (cell("requests"), cell("upstream_calls"), cell("cache_hits")) == ("3", "2", "1")
        assert cell("cache_hit_rate") == "33.3%"
        assert (cell("prompt_tokens"), cell("completion_tokens")) == ("400", "40")
        assert cell("cost_usd").startswith("$0.0")
        total = page.locator('#usage tr[data-tenant="total"] td[data-field="requests"]')
        assert total.inner_text() == "4"
        assert page.locator("#total-requests").inner_text() == "4"

        hits = page.locator("#calls-chart rect.bar.hit")
        misses = page.locator("#calls-chart rect.bar.miss")
        assert sum(float(v) for v in hits.evaluate_all("els => els.map(e => e.dataset.value)")) == 1
        assert sum(float(v) for v in misses.evaluate_all("els => els.map(e => e.dataset.value)")) == 3
        assert hits.first.bounding_box()["height"] > 0  # drawn, not just present

        costs = page.locator("#cost-chart rect.bar.cost")
        assert sorted(costs.evaluate_all("els => els.map(e => e.dataset.key)")) == ["blue-plate", "demo-diner"]
        widths = dict(costs.evaluate_all("els => els.map(e => [e.dataset.key, e.getBoundingClientRect().width])"))
        assert widths["blue-plate"] > widths["demo-diner"] > 0  # twice the upstream calls, twice the cost
    finally:
        context.close()
