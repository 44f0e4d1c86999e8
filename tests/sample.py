"""The sample diners the tests load (tests/fixtures/sample-tenant.yaml and examples/demo-diner.yaml): their
ids, numbers, Slack teams and people, and `sms()` to write an owner's text as the command service gets it."""

from __future__ import annotations

from diner_agent.commands.model import Inbound

BLUE_PLATE = "blue-plate"
BLUE_PLATE_NUMBER = "+15555550100"
BLUE_TEAM = "T0BLUEPLT"
DANA = "+15555550101"  # blue-plate's owner (Slack U0DANA)
SAM = "+15555550102"  # blue-plate's staff (Slack U0SAM)

DEMO = "demo-diner"
DEMO_NUMBER = "+15555550150"
DEMO_TEAM = "T0DEMODNR"
DEMO_DANA = "+15555550151"  # demo-diner's owner (Slack U0DANA in T0DEMODNR)
DEMO_SAM = "+15555550152"
DEMO_RILEY = "+15555550153"  # staff, no Slack user

STRANGER = "+15555559999"  # on nobody's staff list


def sms(text: str, sender: str = DANA, message_id: str | None = None, tenant: str = BLUE_PLATE) -> Inbound:
    """A text to a diner's number, as the SMS channel hands it to the command service."""
    return Inbound(tenant_id=tenant, channel="sms", sender=sender, text=text, message_id=message_id)
