"""Twilio signatures are checked against PUBLIC_BASE_URL only: a request signed for another host (another
webhook on the same Twilio account, replayed here with its Host or X-Forwarded-Host) changes nothing.
Without PUBLIC_BASE_URL, /sms refuses everything; TRUST_PROXY believes forwarded hosts only from its
allow-list (TRUSTED_HOSTS)."""

from __future__ import annotations

import logging

from tests.integration.channels.webhooks import PUBLIC, audit_count, signed_sms, sms_form, twilio_signature

EVIL = "hooks.attacker.example"


def test_without_public_base_url_sms_refuses_even_a_request_signed_for_its_own_host(make_app, store):
    client = make_app(public_base_url=None).test_client()
    own = signed_sms(client, sms_form("86 the tuna melt"), url="http://localhost/sms")
    replayed = client.post(
        "/sms",
        data=(form := sms_form("86 the reuben")),
        headers={"X-Twilio-Signature": twilio_signature(f"http://{EVIL}/sms", form), "Host": EVIL},
    )
    assert own.status_code == 403 and replayed.status_code == 403
    assert "PUBLIC_BASE_URL" in replayed.get_data(as_text=True)
    assert audit_count(store) == 0


def test_with_trust_proxy_a_forwarded_host_does_not_choose_the_signed_url(make_app, store):
    client = make_app(public_base_url=None, trust_proxy=True).test_client()
    form = sms_form("86 the reuben")
    headers = {
        "X-Twilio-Signature": twilio_signature(f"https://{EVIL}/sms", form),
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": EVIL,
    }
    assert client.post("/sms", data=form, headers=headers).status_code == 403
    assert audit_count(store) == 0


def test_a_request_signed_for_another_host_is_refused_when_public_base_url_is_set(client, store):
    form = sms_form("86 the reuben")
    headers = {"X-Twilio-Signature": twilio_signature(f"https://{EVIL}/sms", form), "X-Forwarded-Host": EVIL}
    assert client.post("/sms", data=form, headers=headers).status_code == 403
    assert signed_sms(client, sms_form("86 the tuna melt"), url=PUBLIC + "/sms").status_code == 200
    assert audit_count(store) == 1


def test_trust_proxy_with_an_allow_list_refuses_other_forwarded_hosts(make_app):
    client = make_app(trust_proxy=True, trusted_hosts=["menu.diner.example"]).test_client()
    good = client.get("/menu/blue-plate", headers={"X-Forwarded-Host": "menu.diner.example"})
    bad = client.get("/menu/blue-plate", headers={"X-Forwarded-Host": EVIL})
    assert good.status_code == 200 and "menu.diner.example/menu/blue-plate" in good.get_data(as_text=True)
    assert bad.status_code == 400


def test_trust_proxy_without_an_allow_list_ignores_forwarded_hosts_and_says_so(make_app, caplog):
    caplog.set_level(logging.WARNING)
    client = make_app(trust_proxy=True).test_client()
    page = client.get("/menu/blue-plate", headers={"X-Forwarded-Host": EVIL})
    assert page.status_code == 200 and EVIL not in page.get_data(as_text=True)
    assert any("TRUSTED_HOSTS" in r.getMessage() for r in caplog.records)
