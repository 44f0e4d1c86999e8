"""Commands typed in the web chat run through the command service as the diner's owner: the public menu
changes, and the answer is the service's reply. Questions never change anything."""

from __future__ import annotations

import httpx

from tests.fakes.cloudflare import GATEWAY


def menu(site) -> dict:
    document = httpx.get(f"{site.url}/menu/blue-plate.json").json()
    return {item["name"]: item for item in document["items"]}


def say(site, text: str, **kwargs) -> str:
    answer = site.openai().chat.completions.create(
        model="diner-agent", messages=[{"role": "user", "content": text}], **kwargs
    )
    if kwargs.get("stream"):
        return "".join(c.choices[0].delta.content or "" for c in answer if c.choices)
    return answer.choices[0].message.content


def test_86_in_chat_changes_the_public_menu_and_answers_with_the_services_reply(site, fake_cloudflare):
    assert menu(site)["Reuben"]["available"] is True
    assert say(site, "86 the reuben") == (
        "Reuben is now sold out until tomorrow 7am. Text 'reuben is back' sooner. Reply UNDO to revert."
    )
    assert menu(site)["Reuben"]["available"] is False
    assert fake_cloudflare.requests == []  # the grammar read it; no model was asked


def test_a_command_reply_streams_as_chunks_too(site):
    assert say(site, "pecan pie is 5.25", stream=True).startswith("Pecan Pie: $4.95 -> $5.25.")
    assert menu(site)["Pecan Pie"]["price"] == "5.25"


def test_yes_in_chat_confirms_a_pending_change(site):
    question = say(site, "reuben 30")  # more than half again the price: confirmed first
    assert "YES" in question and "$12.50 -> $30.00" in question
    assert menu(site)["Reuben"]["price"] == "12.50"
    assert "Reuben" in say(site, "YES")
    assert menu(site)["Reuben"]["price"] == "30.00"


def test_undo_in_chat_reverts_the_last_change(site):
    say(site, "86 the tuna melt")
    assert say(site, "UNDO").startswith("Undone.")
    assert menu(site)["Tuna Melt"]["available"] is True


def test_an_ambiguous_item_gets_the_services_question(site, fake_cloudflare):
    answer = say(site, "86 the pie")
    assert "Key Lime Pie" in answer and "Pecan Pie" in answer
    assert all(item["available"] for item in menu(site).values())
    assert fake_cloudflare.requests == []


def test_a_question_the_grammar_would_misread_goes_to_the_assistant_and_changes_nothing(site, fake_cloudflare):
    before = httpx.get(f"{site.url}/menu/blue-plate.json").json()
    assert say(site, "are we closed today?") == "Hello from ai-gateway."
    assert say(site, "is the reuben sold out?") == "Hello from ai-gateway."
    assert httpx.get(f"{site.url}/menu/blue-plate.json").json() == before
    asked = [r.body["messages"][-1]["content"] for r in fake_cloudflare.requests_to(GATEWAY)]
    assert asked == ["are we closed today?", "is the reuben sold out?"]


def test_a_retried_command_with_the_same_idempotency_key_is_not_applied_twice(site):
    def send(text: str, key: str) -> str:
        response = httpx.post(
            f"{site.url}/api/chat",
            json={"messages": [{"role": "user", "content": text}]},
            headers={"Authorization": f"Bearer {site.token}", "Idempotency-Key": key},
        )
        return response.json()["choices"][0]["message"]["content"]

    first = send("coffee 3.00", "turn-0001-abcdef")
    send("coffee 2.75", "turn-0002-abcdef")
    assert send("coffee 3.00", "turn-0001-abcdef") == first  # the retry gets the stored reply...
    assert menu(site)["Coffee"]["price"] == "2.75"  # ...and changes nothing
