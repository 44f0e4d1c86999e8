"""Late SMS answers from the durable outbox (channels/durable.py): the text as stored, sent through
Twilio's REST API from the diner's number to the sender."""

from __future__ import annotations

from diner_agent.channels.sms.outbound import SmsSender
from diner_agent.channels.sms.wire import sms_text
from diner_agent.channels.work_ports import Delivery
from diner_agent.commands.model import Reply

KIND = "sms"


def reply_to(to: str, from_: str) -> dict:
    """Where a late answer to a text from `to` goes: back to it, from the number it was sent to."""
    return {"kind": KIND, "to": to, "from": from_}


class SmsDeliverer:
    def __init__(self, sender: SmsSender) -> None:
        self.sender = sender

    def body(self, reply: Reply) -> dict:
        return {"text": sms_text(reply.text)}

    def send(self, destination: dict, body: dict) -> Delivery:
        result = self.sender.send(destination["to"], destination["from"], body["text"])
        if result.ok:
            return Delivery(True, provider_id=result.sid)
        error = f"Twilio error {result.error_code}: {result.detail}" if result.error_code else result.detail
        return Delivery(False, permanent=result.permanent, error=error or "not sent")
