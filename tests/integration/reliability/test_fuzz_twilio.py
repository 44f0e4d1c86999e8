"""Fuzzed Twilio webhooks: whatever the form holds and however it is signed, the answer is valid TwiML
or a clear refusal, never a 5xx, and only a signed text from a diner's staff changes that diner."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qsl, urlencode

from hypothesis import example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from diner_agent.assembly import Assembly
from diner_agent.channels.sms.webhook import MAX_FORM_BYTES, SORRY
from diner_agent.channels.sms.wire import MAX_SMS_CHARS, to_e164
from diner_agent.commands import grammar
from tests.integration.channels.webhooks import (
    PAYLOADS,
    PUBLIC,
    twilio_signature,
    twiml_messages,
)
from tests.integration.reliability.apps import no_ai
from tests.integration.reliability.fuzzing import (
    COMMANDS,
    FRESH,
    FUZZ,
    assert_state_unchanged,
    fresh,
    huge_texts,
    mostly,
    texts,
)
from tests.integration.reliability.tenant_state import all_states, changed, processed_count
from tests.sample import (
    BLUE_PLATE_NUMBER,
    DANA,
    DEMO_DANA,
    DEMO_NUMBER,
    DEMO_RILEY,
    DEMO_SAM,
    SAM,
    STRANGER,
)

# --- Twilio -----------------------------------------------------------------------------------------

NUMBERS = [BLUE_PLATE_NUMBER, DEMO_NUMBER, "+1 555-555-0100", "(555) 555-0150", "5555550100", "+15555550199", "",
           "not a number", "+", "+1" + "5" * 30]  # fmt: skip
SENDERS = [DANA, SAM, DEMO_DANA, DEMO_SAM, DEMO_RILEY, STRANGER, "+1 (555) 555-0101", "15555550101", "", "anonymous",
           "+15555550101\x00"]  # fmt: skip
FIELDS = ["To", "From", "Body", "MessageSid", "SmsMessageSid", "AccountSid"]
sids = mostly(st.just(FRESH), st.text(max_size=20) | st.text(min_size=101, max_size=150))
SIGNING = ["signed"] * 5 + ["none", "garbage", "other-url", "other-token", "tampered"]


def _recorded_sms(**fields: str) -> list[tuple[str, str]]:
    form = dict(parse_qsl((PAYLOADS / "twilio_inbound_sms.txt").read_text(), keep_blank_values=True))
    form.update({"Body": "86 the reuben", "From": DANA, "To": BLUE_PLATE_NUMBER, "MessageSid": FRESH, **fields})
    return list(form.items())


STAFF_BY_NUMBER = {BLUE_PLATE_NUMBER: [DANA, SAM], DEMO_NUMBER: [DEMO_DANA, DEMO_SAM, DEMO_RILEY]}


@st.composite
def twilio_requests(draw):
    """(form pairs in order, signing mode): the recorded field set, with fields missing, repeated, odd.
    Half the time the sender is on the staff of the diner texted, so that real changes happen too."""
    if draw(st.booleans()):
        to = draw(st.sampled_from(list(STAFF_BY_NUMBER)))
        sender = draw(st.sampled_from(STAFF_BY_NUMBER[to]))
    else:
        to = draw(st.sampled_from(NUMBERS) | st.text(max_size=20))
        sender = draw(st.sampled_from(SENDERS) | st.text(max_size=20))
    fields = {
        "To": to,
        "From": sender,
        "Body": draw(mostly(st.sampled_from(COMMANDS), texts | huge_texts)),
        "MessageSid": draw(sids),
        "AccountSid": "AC" + "1" * 32,
        "NumMedia": "0",
    }
    pairs = [(k, v) for k, v in fields.items() if draw(mostly(st.just(True), st.just(False)))]  # or missing
    extra_key = st.sampled_from(FIELDS) | st.text(max_size=12)
    extra_value = st.sampled_from(NUMBERS + SENDERS + COMMANDS) | st.text(max_size=30)
    pairs += draw(st.lists(st.tuples(extra_key, extra_value), max_size=4))  # repeated keys: the first one counts
    return pairs, draw(st.sampled_from(SIGNING))


def _twilio_post(client, pairs: list[tuple[str, str]], mode: str, garbage: str):
    url = PUBLIC + "/sms"
    signed = MultiDict(pairs)
    sent = list(pairs)
    headers = {}
    if mode == "signed":
        headers["X-Twilio-Signature"] = twilio_signature(url, signed)
    elif mode == "garbage":
        headers["X-Twilio-Signature"] = garbage
    elif mode == "other-url":
        headers["X-Twilio-Signature"] = twilio_signature("https://attacker.example/sms", signed)
    elif mode == "other-token":
        headers["X-Twilio-Signature"] = twilio_signature(url, signed, token="not-our-twilio-token")
    elif mode == "tampered":
        headers["X-Twilio-Signature"] = twilio_signature(url, signed)
        sent = [("Body", "86 the reuben"), ("From", DANA)] + [(k, v) for k, v in pairs if k not in ("Body", "From")]
        if MultiDict(sent) == signed:
            sent.append(("Extra", "x"))
    data = urlencode(sent).encode()
    response = client.post("/sms", data=data, content_type="application/x-www-form-urlencoded", headers=headers)
    return response, len(data)


def test_twilio_forms(build_app, clock):
    app = build_app(**no_ai())
    client, store = app.test_client(), Assembly.of(app).store
    seen: Counter[str] = Counter()

    @FUZZ
    @given(request=twilio_requests(), garbage=st.text(st.characters(min_codepoint=32, max_codepoint=255)))
    @example(request=(_recorded_sms(MessageSid="SM\x00abc"), "signed"), garbage="")  # the apology, on Postgres
    @example(request=(_recorded_sms(To="+15555550100\x00"), "signed"), garbage="")  # a NUL in a lookup key
    def check(request, garbage):
        pairs, mode = request
        pairs = [(k, fresh(v, "SM")) for k, v in pairs]
        before, processed = all_states(store), processed_count(store)
        snapshots = {t: store.snapshot(t) for t in before}
        response, size = _twilio_post(client, pairs, mode, garbage)

        assert response.status_code < 500
        if size > MAX_FORM_BYTES:
            assert response.status_code == 413
            assert_state_unchanged(store, before, processed)
            return
        if mode != "signed":
            assert response.status_code == 403
            assert_state_unchanged(store, before, processed)
            seen["forged"] += 1
            return
        seen["signed"] += 1
        assert response.status_code == 200
        replies = twiml_messages(response.get_data(as_text=True))
        assert SORRY not in replies, "an internal error was swallowed"
        assert all(0 < len(r) <= MAX_SMS_CHARS for r in replies)

        touched = changed(before, all_states(store))
        if not touched:
            return
        first = MultiDict(pairs).to_dict()  # what the webhook reads: the first value of each field
        tenant = store.tenant_by_sms_number(to_e164(first.get("To")))
        assert tenant is not None and touched == {tenant.id}
        snapshot = snapshots[tenant.id]
        assert any(p.phone == to_e164(first.get("From")) for p in snapshot.staff), "changed by a non-staff sender"
        assert grammar.read(first.get("Body") or "", snapshot, clock.now()).commands, "changed by a non-command"
        seen["changed"] += 1

    check()
    assert seen["changed"] >= 3 and seen["forged"] >= 20, seen
