"""Which diner a message was sent to, and who sent it with which role.

A channel hands the command service a `Message` as it received it: the channel, the address it was sent
to (SMS: the diner's number; Slack: the workspace's team id; web: the chat's bearer token), the sender
(a phone number, a Slack user id), the text and the channel's message id. `address` finds the diner and
the person; an `Addressed` message carries both, with the menu snapshot they were read from, on to the
service, so no channel ever touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from diner_agent.commands.model import Channel, Inbound
from diner_agent.commands.unit_of_work import Menus
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.records import Actor, MenuSnapshot, TenantInfo


@dataclass(frozen=True, slots=True)
class Message:
    """One message as a channel received it, before anyone knows which diner or person it is from."""

    channel: Channel
    address: str
    sender: str
    text: str
    message_id: str | None = None
    sender_name: str | None = None
    pending_id: str | None = None  # a Slack button click names the confirmation it answers
    batch_id: str | None = None  # a Slack Undo button names the change it undoes
    sender_team: str | None = None  # Slack: the sender's own workspace (another one for a Slack Connect guest)


@dataclass(frozen=True, slots=True)
class Addressed:
    """A message with its diner found: the snapshot it was read against, and its sender's role (None: the
    sender may not use this diner's bot)."""

    message: Message
    snapshot: MenuSnapshot
    inbound: Inbound
    actor: Actor | None
    tenant: TenantInfo  # the snapshot's

    def saying(self, text: str, message_id: str | None = None) -> Addressed:
        """The same diner and sender with another text (the web chat knows its diner before its body)."""
        message = replace(self.message, text=text, message_id=message_id)
        return replace(self, message=message, inbound=replace(self.inbound, text=text, message_id=message_id))


def address(menus: Menus, message: Message) -> Addressed | None:
    """The diner and the sender of `message`, or None when no diner has that address."""
    if message.channel == "web":
        return _address_web(menus, message)
    snapshot = menus.snapshot_at(message.channel, message.address)
    if snapshot is None:
        return None
    inbound = Inbound(
        snapshot.tenant.id,
        message.channel,
        message.sender,
        message.text,
        message_id=message.message_id,
        sender_name=message.sender_name,
        pending_id=message.pending_id,
        batch_id=message.batch_id,
        sender_team=message.sender_team,
    )
    return Addressed(message, snapshot, inbound, actor_for(inbound, snapshot), snapshot.tenant)


def _address_web(menus: Menus, message: Message) -> Addressed | None:
    """The web chat's address is its bearer token, which names a person and the role they chat with."""
    holder = menus.token_holder(message.address) if message.address else None
    if holder is None:
        return None
    try:
        snapshot = menus.snapshot(holder.tenant_id)
    except UnknownTenant:  # removed since the lookup
        return None
    inbound = Inbound(
        holder.tenant_id, "web", holder.id, message.text, message_id=message.message_id, role=holder.role,
        sender_name=holder.name,
    )  # fmt: skip
    return Addressed(message, snapshot, inbound, actor_for(inbound, snapshot), snapshot.tenant)


def addressed_inbound(inbound: Inbound, snapshot: MenuSnapshot) -> Addressed:
    """An Inbound whose diner the caller already knows (the CLI, workers, tests), addressed the same way."""
    message = Message(
        inbound.channel,
        inbound.tenant_id,
        inbound.sender,
        inbound.text,
        inbound.message_id,
        inbound.sender_name,
        inbound.pending_id,
        inbound.batch_id,
        inbound.sender_team,
    )
    return Addressed(message, snapshot, inbound, actor_for(inbound, snapshot), snapshot.tenant)


def actor_for(inbound: Inbound, snapshot: MenuSnapshot) -> Actor | None:
    """Who sent this, with which role, or None when they may not use this diner's bot."""
    tenant = snapshot.tenant
    if inbound.role is not None:
        if inbound.role == "none":
            return None
        # web: the sender is the token's id, so each person chatting is their own actor
        return Actor(f"{inbound.channel}:{inbound.sender}", inbound.sender_name, inbound.role, inbound.channel)
    member = None
    if inbound.channel == "sms":
        member = next((p for p in snapshot.staff if p.phone == inbound.sender), None)
    elif inbound.channel == "slack":
        member = next((p for p in snapshot.staff if p.slack_user == inbound.sender), None)
        # The default role is for members of the diner's own workspace: a Slack Connect guest from another
        # organisation in a shared channel is nobody here unless the staff list names them.
        if member is None and tenant.slack_default_role != "none" and inbound.sender_team == tenant.slack_team:
            return Actor(f"slack:{inbound.sender}", inbound.sender_name, tenant.slack_default_role, "slack")
    if member is None or member.role == "none":
        return None
    return Actor(f"staff:{member.id}", member.name, member.role, inbound.channel)
