"""CommandService.handle(inbound) -> Reply: the one entry point every channel calls.

Order of business: a message id seen before gets its stored reply and changes nothing; the sender must
hold a role; YES / NO / UNDO / HELP / MENU / HOURS are answered; anything else is understood, then
applied at once when certain or held for a YES when not. Every change, its audit entries and the reply
commit in one transaction together with the message id, so a retry can never apply anything twice and
a crash can never leave half a change.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from diner_agent.clock import Clock
from diner_agent.commands.apply import ApplyError, apply_command, preview, undo_batch
from diner_agent.commands.describe import applied, group_hours
from diner_agent.commands.llm import LlmReader
from diner_agent.commands.model import (
    CHANGE_ACTIONS,
    COMMAND,
    STAFF_ACTIONS,
    Cancel,
    Command,
    Confirm,
    Help,
    Inbound,
    Reply,
    ShowHours,
    ShowMenu,
    Undo,
)
from diner_agent.commands.replies import HELP, STAFF_HELP, fit, hours_summary, join, menu_summary, moment
from diner_agent.commands.understand import Understanding, understand
from diner_agent.menu.changes import Change, ChangeSet
from diner_agent.menu.records import Actor, MenuSnapshot, TenantInfo
from diner_agent.menu.store import MenuStore, UnknownTenant

log = logging.getLogger(__name__)

MAX_TEXT = 1600
CONFIRM_TTL = timedelta(minutes=10)
UNDO_WINDOW = timedelta(hours=24)
UNDO_HINT = "Reply UNDO to revert."
CONFIRM_HINT = "Reply YES to confirm or NO to cancel."
_DONE = {
    "applied": "Already confirmed",
    "cancelled": "Already cancelled",
    "expired": "That request expired",
    "superseded": "That request was replaced by a newer one",
    "failed": "That request failed",
}


class CommandService:
    def __init__(
        self,
        store: MenuStore,
        *,
        llm: LlmReader | None = None,
        clock: Clock | None = None,
        public_base_url: str | None = None,
    ) -> None:
        self.store = store
        self.llm = llm
        self.clock = clock or store.clock
        self.public_base_url = (public_base_url or "").rstrip("/") or None

    # --- entry points ----------------------------------------------------------------------------------

    def handle(self, inbound: Inbound, *, deadline: float | None = None) -> Reply:
        """Answer one inbound message; never raises for anything a sender can put in a message.

        A message id seen before is caught where the message is recorded, inside the one write
        transaction (exact across workers); only before an LLM call is it looked up early, to not pay
        a model twice for a provider's retry."""
        try:
            snapshot = self.store.snapshot(inbound.tenant_id)
        except UnknownTenant:
            return Reply("This diner is not set up here.", "refused")
        actor = self.actor_for(inbound, snapshot)
        if actor is None:
            return self._record(
                inbound,
                snapshot.tenant,
                Reply(
                    f"Sorry, you're not on {snapshot.tenant.name}'s staff list, so I can't change anything.", "refused"
                ),
            )
        text = inbound.text or ""
        if len(text) > MAX_TEXT:
            return self._record(
                inbound, snapshot.tenant, Reply("That text is too long; send one change per text.", "invalid")
            )
        if inbound.pending_id:
            answer = Confirm() if text.strip().lower() in ("confirm", "yes") else Cancel()
            return self._pending(inbound, actor, snapshot, answer, inbound.pending_id)

        now = self.clock.now()
        meaning = understand(text, snapshot, now)
        if meaning.model_may_help and self.llm is not None and actor.role == "owner":
            if inbound.message_id:
                stored = self.store.processed_reply(inbound.channel, inbound.message_id)
                if stored is not None:
                    return Reply(stored, "info", duplicate=True)
            meaning = understand(text, snapshot, now, llm=self.llm, deadline=deadline)
        commands = meaning.commands
        if not commands:
            return self._record(inbound, snapshot.tenant, Reply(fit(meaning.reply or ""), "unknown"))
        first = commands[0]
        if isinstance(first, Confirm | Cancel):
            return self._pending(inbound, actor, snapshot, first, None)
        if isinstance(first, Undo):
            return self._undo(inbound, actor, snapshot)
        if isinstance(first, Help):
            return self._record(inbound, snapshot.tenant, Reply(HELP if actor.role == "owner" else STAFF_HELP))
        if isinstance(first, ShowMenu):
            return self._record(inbound, snapshot.tenant, Reply(menu_summary(snapshot, self.menu_link(snapshot))))
        if isinstance(first, ShowHours):
            return self._record(inbound, snapshot.tenant, Reply(self._hours_text(snapshot, now)))
        refusal = self._refusal(actor, commands)
        if refusal is not None:
            return self._record(inbound, snapshot.tenant, Reply(refusal, "refused"))
        if meaning.needs_confirmation:
            return self._ask(inbound, actor, snapshot, meaning)
        return self._apply(inbound, actor, snapshot, commands)

    def preview(self, tenant_id: str, text: str, *, use_llm: bool = True) -> tuple[Understanding, str]:
        """What `handle` would make of a text, and the reply it would send, applying nothing (CLI `parse`)."""
        snapshot = self.store.snapshot(tenant_id)
        now = self.clock.now()
        meaning = understand(text, snapshot, now, llm=self.llm if use_llm else None)
        if not meaning.commands:
            return meaning, fit(meaning.reply or "")
        first = meaning.commands[0]
        if first.action not in CHANGE_ACTIONS:
            return meaning, self._describe_keyword(first, snapshot, now)
        try:
            lines = self._preview_lines(meaning.commands, snapshot, now)
        except ApplyError as exc:
            return Understanding(text, meaning.source, reply=str(exc)), fit(f"{exc} Nothing changed.")
        if meaning.needs_confirmation:
            return meaning, fit(join([*lines, CONFIRM_HINT]))
        return meaning, fit(join(lines))

    def actor_for(self, inbound: Inbound, snapshot: MenuSnapshot) -> Actor | None:
        """Who sent this, with which role, or None when they may not use this diner's bot."""
        tenant = snapshot.tenant
        if inbound.role is not None:
            if inbound.role == "none":
                return None
            key = f"{inbound.channel}:{inbound.sender}" if inbound.channel != "web" else f"web:{tenant.id}"
            return Actor(key, inbound.sender_name, inbound.role, inbound.channel)
        member = None
        if inbound.channel == "sms":
            member = next((p for p in snapshot.staff if p.phone == inbound.sender), None)
        elif inbound.channel == "slack":
            member = next((p for p in snapshot.staff if p.slack_user == inbound.sender), None)
            if member is None and tenant.slack_default_role != "none":
                return Actor(f"slack:{inbound.sender}", inbound.sender_name, tenant.slack_default_role, "slack")
        if member is None or member.role == "none":
            return None
        return Actor(f"staff:{member.id}", member.name, member.role, inbound.channel)

    def menu_link(self, snapshot: MenuSnapshot) -> str | None:
        return f"{self.public_base_url}/menu/{snapshot.tenant.id}" if self.public_base_url else None

    # --- the pieces ------------------------------------------------------------------------------------

    def _local(self, snapshot: MenuSnapshot, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(snapshot.tenant.timezone))

    def _hours_text(self, snapshot: MenuSnapshot, now: datetime) -> str:
        closure = snapshot.closure_at(now)
        note = None
        if closure is not None:
            until = f" until {moment(closure.until, self._local(snapshot, now))}" if closure.until else ""
            note = f"Closed now{' (' + closure.reason + ')' if closure.reason else ''}{until}."
        return hours_summary(snapshot, self._local(snapshot, now), note)

    def _describe_keyword(self, cmd: Command, snapshot: MenuSnapshot, now: datetime) -> str:
        if isinstance(cmd, ShowMenu):
            return menu_summary(snapshot, self.menu_link(snapshot))
        if isinstance(cmd, ShowHours):
            return self._hours_text(snapshot, now)
        if isinstance(cmd, Help):
            return HELP
        return {"confirm": "Confirms what is waiting for a YES.", "cancel": "Cancels what is waiting for a YES.",
                "undo": "Reverts your last change."}.get(cmd.action, "")  # fmt: skip

    def _preview_lines(self, commands: tuple[Command, ...], snapshot: MenuSnapshot, now: datetime) -> list[str]:
        local = self._local(snapshot, now)
        lines: list[tuple[Change, str]] = []
        for cmd in commands:
            for change in preview(cmd, snapshot, now, local.date()):
                lines.append((change, applied(change, snapshot.tenant, local)))
        return group_hours(lines)

    def _refusal(self, actor: Actor, commands: tuple[Command, ...]) -> str | None:
        if actor.role == "owner":
            return None
        blocked = [c for c in commands if c.action in CHANGE_ACTIONS and c.action not in STAFF_ACTIONS]
        if not blocked:
            return None
        what = {
            "update_price": "change prices",
            "change_hours": "change hours",
            "close_emergency": "close the diner",
            "reopen": "reopen the diner",
        }.get(blocked[0].action, "do that")
        return f"Sorry, only an owner can {what}. Staff can mark items sold out or back. Nothing changed."

    def _record(self, inbound: Inbound, tenant: TenantInfo, reply: Reply) -> Reply:
        """Remember the reply under the message id (so a retry gets the same answer) and return it."""
        if not inbound.message_id:
            return reply
        actor = Actor(f"{inbound.channel}:{inbound.sender}", None, "none", inbound.channel)
        with self.store.changes(tenant.id, actor, message_id=inbound.message_id) as cs:
            if not cs.claim_message(inbound.channel, inbound.message_id):
                stored = self.store_reply_in(cs, inbound)
                return Reply(stored, "info", duplicate=True)
            cs.set_reply(inbound.channel, inbound.message_id, reply.text)
        return reply

    @staticmethod
    def store_reply_in(cs: ChangeSet, inbound: Inbound) -> str:
        return cs.stored_reply(inbound.channel, inbound.message_id or "") or ""

    def _ask(self, inbound: Inbound, actor: Actor, snapshot: MenuSnapshot, meaning: Understanding) -> Reply:
        now = self.clock.now()
        try:
            lines = self._preview_lines(meaning.commands, snapshot, now)
        except ApplyError as exc:
            return self._record(inbound, snapshot.tenant, Reply(fit(f"{exc} Nothing changed."), "invalid"))
        lead = "Did you mean:" if "fuzzy" in meaning.reasons or "llm" in meaning.reasons else "Please confirm:"
        with self.store.changes(snapshot.tenant.id, actor, message_id=inbound.message_id) as cs:
            if inbound.message_id and not cs.claim_message(inbound.channel, inbound.message_id):
                return Reply(self.store_reply_in(cs, inbound), "info", duplicate=True)
            prompt = fit(join([lead, *lines, CONFIRM_HINT]))
            pending = cs.create_pending([c.contract() for c in meaning.commands], prompt, CONFIRM_TTL)
            if inbound.message_id:
                cs.set_reply(inbound.channel, inbound.message_id, prompt)
        return Reply(prompt, "confirm", pending_id=pending.id)

    def _apply(self, inbound: Inbound, actor: Actor, snapshot: MenuSnapshot, commands: tuple[Command, ...]) -> Reply:
        try:
            with self.store.changes(snapshot.tenant.id, actor, message_id=inbound.message_id) as cs:
                if inbound.message_id and not cs.claim_message(inbound.channel, inbound.message_id):
                    return Reply(self.store_reply_in(cs, inbound), "info", duplicate=True)
                text = self._apply_all(cs, commands, snapshot)
                if inbound.message_id:
                    cs.set_reply(inbound.channel, inbound.message_id, text)
                changed = any(c.changed for c in cs.changes)
        except ApplyError as exc:
            return self._record(inbound, snapshot.tenant, Reply(fit(f"{exc} Nothing changed."), "invalid"))
        return Reply(text, "applied", undo=changed)

    def _apply_all(self, cs: ChangeSet, commands: tuple[Command, ...], snapshot: MenuSnapshot) -> str:
        local = self._local(snapshot, cs.now)
        lines: list[tuple[Change, str]] = []
        for cmd in commands:
            for change in apply_command(cs, cmd, snapshot, local.date()):
                lines.append((change, applied(change, snapshot.tenant, local)))
        hint = [UNDO_HINT] if any(change.changed for change, _ in lines) else []
        return fit(join([*group_hours(lines), *hint]))

    def _undo(self, inbound: Inbound, actor: Actor, snapshot: MenuSnapshot) -> Reply:
        local = self._local(snapshot, self.clock.now())
        try:
            with self.store.changes(snapshot.tenant.id, actor, message_id=inbound.message_id) as cs:
                if inbound.message_id and not cs.claim_message(inbound.channel, inbound.message_id):
                    return Reply(self.store_reply_in(cs, inbound), "info", duplicate=True)
                batch = cs.last_batch(UNDO_WINDOW)
                if not batch:
                    text = "You have no change from the last 24 hours to undo."
                else:
                    changes = undo_batch(cs, batch)
                    lines = [applied(c, snapshot.tenant, local) for c in changes if c.changed]
                    text = fit(join(["Undone.", *lines]))
                if inbound.message_id:
                    cs.set_reply(inbound.channel, inbound.message_id, text)
        except ApplyError as exc:
            return self._record(inbound, snapshot.tenant, Reply(fit(f"{exc} Nothing changed."), "invalid"))
        return Reply(text, "applied" if batch else "info")

    def _pending(
        self, inbound: Inbound, actor: Actor, snapshot: MenuSnapshot, answer: Command, pending_id: str | None
    ) -> Reply:
        """YES / NO (or a button click): resolve the pending confirmation exactly once."""
        try:
            with self.store.changes(snapshot.tenant.id, actor, message_id=inbound.message_id) as cs:
                if inbound.message_id and not cs.claim_message(inbound.channel, inbound.message_id):
                    return Reply(self.store_reply_in(cs, inbound), "info", duplicate=True)
                reply = self._resolve_pending(cs, actor, snapshot, answer, pending_id)
                if inbound.message_id:
                    cs.set_reply(inbound.channel, inbound.message_id, reply.text)
                return reply
        except ApplyError as exc:
            text = fit(f"{exc} Nothing changed.")
            self._close_pending(snapshot, actor, pending_id, text)
            return self._record(inbound, snapshot.tenant, Reply(text, "invalid"))

    def _close_pending(self, snapshot: MenuSnapshot, actor: Actor, pending_id: str | None, text: str) -> None:
        with self.store.changes(snapshot.tenant.id, actor) as cs:
            pending = cs.pending(pending_id)
            if pending is not None and pending.status == "pending":
                cs.resolve_pending(pending.id, "failed", text)

    def _resolve_pending(
        self, cs: ChangeSet, actor: Actor, snapshot: MenuSnapshot, answer: Command, pending_id: str | None
    ) -> Reply:
        pending = cs.pending(pending_id)
        if pending is None or (pending_id is None and pending.status != "pending"):
            return Reply("Nothing is waiting for a YES or NO.", "info")
        if pending.actor != actor.key and actor.role != "owner":
            return Reply("Only the person who asked (or an owner) can answer that.", "refused")
        if pending.status != "pending":
            done = _DONE.get(pending.status, "Already answered")
            return Reply(f"{done}. {pending.outcome or ''}".strip(), "info")
        if pending.expires_at is not None and pending.expires_at <= cs.now:
            cs.resolve_pending(pending.id, "expired", "Expired after 10 minutes; nothing changed.")
            return Reply("That request expired (10 minutes). Nothing changed; send it again.", "info")
        if isinstance(answer, Cancel):
            cs.resolve_pending(pending.id, "cancelled", "Nothing changed.")
            return Reply("Cancelled. Nothing changed.", "info")
        try:
            commands = tuple(COMMAND.validate_python(c) for c in pending.commands)
        except ValidationError:
            raise ApplyError("That request can't be applied any more.") from None
        refusal = self._refusal(actor, commands)
        if refusal is not None:
            return Reply(refusal, "refused")
        text = self._apply_all(cs, commands, snapshot)
        cs.resolve_pending(pending.id, "applied", text)
        return Reply(text, "applied", undo=True)
