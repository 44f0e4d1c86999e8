"""The chat page in a (phone-sized) browser: paste the token, ask, and watch the answer stream in."""

from __future__ import annotations

import httpx

from tests.fakes.cloudflare import Reply

# Records the answer's length at every DOM change, so the test can see it grow in several steps.
WATCH = """
() => {
  window.__lengths = [];
  new MutationObserver(() => {
    const answers = document.querySelectorAll('.msg.assistant');
    const last = answers[answers.length - 1];
    if (last) window.__lengths.push(last.textContent.length);
  }).observe(document.getElementById('log'), {childList: true, subtree: true, characterData: true});
}
"""
ANSWER = "Try the pecan pie with a scoop of vanilla, <b>two for $9</b>, today only."


def open_chat(context, site):
    page = context.new_page()
    page.goto(f"{site.url}/chat")
    page.fill("#token", site.token)
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("#composer:not([hidden])")
    page.evaluate(WATCH)
    return page


def ask(page, text: str) -> str:
    before = page.locator('.msg.assistant[data-state="done"]').count()
    page.fill("#message", text)
    page.press("#message", "Enter")
    done = page.locator('.msg.assistant[data-state="done"]').nth(before)
    done.wait_for()
    return done.text_content()


def test_an_answer_streams_into_the_page(context, site, fake_cloudflare):
    words = ANSWER.split(" ")
    chunks = tuple(w + " " for w in words[:-1]) + (words[-1],)
    fake_cloudflare.gateway.always(Reply(ANSWER, chunks=chunks, chunk_delay=0.05))
    page = open_chat(context, site)

    assert ask(page, "Give me a dessert special for the board.") == ANSWER

    lengths = page.evaluate("window.__lengths")
    growing = sorted({n for n in lengths if 0 < n < len(ANSWER)})
    assert len(growing) >= 2, lengths  # the text arrived in several DOM updates, not all at once
    assert lengths[-1] == len(ANSWER)
    answer = page.locator(".msg.assistant").last
    assert answer.locator("b").count() == 0  # model output is text, never markup
    assert page.evaluate("sessionStorage.getItem('diner-agent-chat-token')") == site.token
    sent = fake_cloudflare.requests[-1].body["messages"]
    assert sent[-1] == {"role": "user", "content": "Give me a dessert special for the board."}


def test_a_command_typed_in_the_page_changes_the_menu(context, site, fake_cloudflare):
    page = open_chat(context, site)
    assert ask(page, "86 the reuben") == (
        "Reuben is now sold out until tomorrow 7am. Text 'reuben is back' sooner. Reply UNDO to revert."
    )
    items = {i["name"]: i for i in httpx.get(f"{site.url}/menu/blue-plate.json").json()["items"]}
    assert items["Reuben"]["available"] is False
    page.click("#suggestions button[data-text=UNDO]")
    page.locator('.msg.assistant[data-state="done"]').nth(1).wait_for()
    assert page.locator(".msg.assistant").nth(1).text_content().startswith("Undone.")
    assert fake_cloudflare.requests == []


def test_a_rejected_token_asks_for_a_new_one(context, site):
    page = context.new_page()
    page.goto(f"{site.url}/chat")
    page.fill("#token", "dat_wrong")
    page.click("#token-form button[type=submit]")
    page.fill("#message", "hello")
    page.press("#message", "Enter")
    page.wait_for_selector("#token-form:not([hidden])")
    assert "invalid bearer token" in page.locator(".msg.error").text_content()
    assert page.evaluate("sessionStorage.getItem('diner-agent-chat-token')") is None
