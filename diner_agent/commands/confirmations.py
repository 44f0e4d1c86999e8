"""Changes held for a YES (DESIGN 3.4): asked about with what they would do, answered once by YES / NO or a
Confirm / Cancel button, by the person who asked or an owner, within 10 minutes.

A YES answers only the last thing its sender was asked: whatever else the sender says next (another
change, a question, UNDO, HELP) drops the request waiting for them (`superseding`), so "hot tea 9"
(asked), "coffee 3.10" (applied), "yes" can never apply the old hot tea price. A text nobody could read
leaves the request waiting: it was most likely a try at answering it. The reply to a YES names what it
applied ("Done. Hot Tea: $2.25 -> $9.00. Reply UNDO to revert.")."""

from __future__ import annotations

import re
from datetime import timedelta

from pydantic import ValidationError

from diner_agent.commands import permissions
from diner_agent.commands.apply import ApplyError, apply_all, preview_all
from diner_agent.commands.change_text import CONFIRM_HINT, asked_lines, confirmed_text
from diner_agent.commands.model import COMMAND, Reply
from diner_agent.commands.replies import fit, join
from diner_agent.commands.turn import Handler, Turn
from diner_agent.commands.understand import Understanding
from diner_agent.commands.unit_of_work import UnitOfWork
from diner_agent.menu.records import PendingRecord

CONFIRM_TTL = timedelta(minutes=10)
_DONE = {
    "applied": "Already confirmed",
    "cancelled": "Already cancelled",
    "expired": "That request expired",
    "superseded": "That request was replaced by a newer one",
    "failed": "That request failed",
}


SUPERSEDED = "Replaced by a newer message; nothing changed."


def lead_for(reasons: tuple[str, ...]) -> str:
    """How a confirmation question opens: a guess is offered as one ("Did you mean..."), a sure reading
    that is only large or many changes is put plainly."""
    if "tomorrow" in reasons:
        return "Did you mean tomorrow?"
    if "fuzzy" in reasons or "llm" in reasons or "partial" in reasons:
        return "Did you mean:"
    if "past" in reasons:
        return "That time has already passed today. Please confirm:"
    return "Please confirm:"


def ask(turn: Turn, meaning: Understanding, uow: UnitOfWork) -> Reply:
    """Hold the changes for a YES, saying what they would do (the sender's older request is superseded)."""
    lead = lead_for(meaning.reasons)
    changes = preview_all(meaning.commands, turn.snapshot, turn.now, turn.local.date())
    note = [meaning.reply] if "partial" in meaning.reasons and meaning.reply else []
    prompt = fit(join([lead, *asked_lines(changes, turn.tenant, turn.local), *note, CONFIRM_HINT]))
    pending = uow.pending.create([c.contract() for c in meaning.commands], prompt, CONFIRM_TTL)
    return Reply(prompt, "confirm", pending_id=pending.id)


def answer(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
    """YES / NO to the sender's latest request, or a Confirm / Cancel button (which names its request):
    applied or dropped exactly once."""
    assert uow is not None
    if meaning is not None:
        yes = meaning.commands[0].action == "confirm"
    else:
        yes = turn.inbound.text.strip().lower() in ("confirm", "yes")
    pending_id = turn.inbound.pending_id
    pending = uow.pending.get(pending_id)
    if pending is not None and pending_id is None and pending.status == "superseded" and _recent(pending, uow):
        return Reply(
            fit(
                f"Nothing is waiting for a YES or NO: {_asked(pending.prompt)} was dropped when you "
                "sent a newer message. Nothing changed."
            ),
            "info",
        )
    if pending is None or (pending_id is None and pending.status != "pending"):
        return Reply("Nothing is waiting for a YES or NO.", "info")
    if not permissions.may_answer(turn.actor, pending):
        return Reply("Only the person who asked (or an owner) can answer that.", "refused")
    if pending.status != "pending":
        done = _DONE.get(pending.status, "Already answered")
        return Reply(f"{done}. {pending.outcome or ''}".strip(), "info")
    if pending.expires_at is not None and pending.expires_at <= uow.now:
        uow.pending.resolve(pending.id, "expired", "Expired after 10 minutes; nothing changed.")
        return Reply("That request expired (10 minutes). Nothing changed; send it again.", "info")
    if not yes:
        uow.pending.resolve(pending.id, "cancelled", "Nothing changed.")
        return Reply("Cancelled. Nothing changed.", "info")
    try:
        commands = tuple(COMMAND.validate_python(c) for c in pending.commands)
    except ValidationError:
        raise ApplyError("That request can't be applied any more.") from None
    refused = permissions.refusal(turn.actor, commands)
    if refused is not None:
        return Reply(refused, "refused")
    local = uow.now.astimezone(turn.local.tzinfo)
    text = confirmed_text(apply_all(uow, commands, turn.snapshot, local.date()), turn.tenant, local)
    uow.pending.resolve(pending.id, "applied", text)
    return Reply(text, "applied", undo=True, batch_id=uow.audit.batch_id)


def close_failed(turn: Turn, uow: UnitOfWork, text: str) -> None:
    """The request could not be applied: it is answered as failed, so it cannot be tried again."""
    pending = uow.pending.get(turn.inbound.pending_id)
    if pending is not None and pending.status == "pending":
        uow.pending.resolve(pending.id, "failed", text)


def drop_waiting(turn: Turn, uow: UnitOfWork) -> None:
    """The sender moved on to something else: the request they were last asked about is dropped."""
    pending = uow.pending.get()
    if pending is None or pending.status != "pending":
        return
    if pending.expires_at is not None and pending.expires_at <= uow.now:
        uow.pending.resolve(pending.id, "expired", "Expired after 10 minutes; nothing changed.")
    else:
        uow.pending.resolve(pending.id, "superseded", SUPERSEDED)


def superseding(handler: Handler) -> Handler:
    """`handler`, first dropping the sender's waiting request, in the same unit of work (so it is dropped
    exactly when the new message is answered, and also when its change is refused). A reply that writes
    nothing and has no message id to record (the CLI; SMS and Slack always carry one) opens no unit of
    work at all, and so leaves the request waiting."""

    def answer_it(turn: Turn, meaning: Understanding | None, uow: UnitOfWork | None) -> Reply:
        if uow is not None:
            drop_waiting(turn, uow)
        return handler.answer(turn, meaning, uow)

    def failed(turn: Turn, uow: UnitOfWork, text: str) -> None:
        drop_waiting(turn, uow)
        if handler.failed is not None:
            handler.failed(turn, uow, text)

    return Handler(answer_it, writes=handler.writes, failed=failed)


def _recent(pending: PendingRecord, uow: UnitOfWork) -> bool:
    """Asked within the last 10 minutes: a YES now may well have been meant for it."""
    return pending.created_at is not None and uow.now - pending.created_at <= CONFIRM_TTL


_LEAD = re.compile(r"^[^:?]*[:?]\s*")


def _asked(prompt: str) -> str:
    """What a confirmation question asked about, without its opening and its YES/NO hint."""
    asked = _LEAD.sub("", prompt.replace(CONFIRM_HINT, "")).strip().rstrip(".")
    return f"your earlier request ({asked})" if asked else "your earlier request"
