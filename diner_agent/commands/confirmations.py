"""Changes held for a YES (DESIGN 3.4): asked about with what they would do, answered once by YES / NO or a
Confirm / Cancel button, by the person who asked or an owner, within 10 minutes."""

from __future__ import annotations

from datetime import timedelta

from pydantic import ValidationError

from diner_agent.commands import permissions
from diner_agent.commands.apply import ApplyError, apply_all, preview_all
from diner_agent.commands.change_text import CONFIRM_HINT, change_lines, done_text
from diner_agent.commands.model import COMMAND, Reply
from diner_agent.commands.replies import fit, join
from diner_agent.commands.turn import Turn
from diner_agent.commands.understand import Understanding
from diner_agent.commands.unit_of_work import UnitOfWork

CONFIRM_TTL = timedelta(minutes=10)
_DONE = {
    "applied": "Already confirmed",
    "cancelled": "Already cancelled",
    "expired": "That request expired",
    "superseded": "That request was replaced by a newer one",
    "failed": "That request failed",
}


def ask(turn: Turn, meaning: Understanding) -> Reply:
    """Hold the changes for a YES, saying what they would do."""
    lead = "Did you mean:" if "fuzzy" in meaning.reasons or "llm" in meaning.reasons else "Please confirm:"

    def hold(uow: UnitOfWork) -> Reply:
        changes = preview_all(meaning.commands, turn.snapshot, turn.now, turn.local.date())
        lines = change_lines(changes, turn.tenant, turn.local)
        prompt = fit(join([lead, *lines, CONFIRM_HINT]))
        pending = uow.pending.create([c.contract() for c in meaning.commands], prompt, CONFIRM_TTL)
        return Reply(prompt, "confirm", pending_id=pending.id)

    return turn.write(hold)


def confirm(turn: Turn, meaning: Understanding | None = None) -> Reply:
    """YES: apply what the sender's latest request (or the clicked one) holds."""
    return _answer(turn, yes=True)


def cancel(turn: Turn, meaning: Understanding | None = None) -> Reply:
    """NO: drop it, changing nothing."""
    return _answer(turn, yes=False)


def clicked(turn: Turn) -> Reply:
    """A Confirm / Cancel button, which names the request it answers."""
    return _answer(turn, yes=turn.inbound.text.strip().lower() in ("confirm", "yes"))


def _answer(turn: Turn, *, yes: bool) -> Reply:
    pending_id = turn.inbound.pending_id

    def close(uow: UnitOfWork, text: str) -> None:
        pending = uow.pending.get(pending_id)
        if pending is not None and pending.status == "pending":
            uow.pending.resolve(pending.id, "failed", text)

    return turn.write(lambda uow: _resolve(turn, uow, yes, pending_id), failed=close)


def _resolve(turn: Turn, uow: UnitOfWork, yes: bool, pending_id: str | None) -> Reply:
    pending = uow.pending.get(pending_id)
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
    text = done_text(apply_all(uow, commands, turn.snapshot, local.date()), turn.tenant, local)
    uow.pending.resolve(pending.id, "applied", text)
    return Reply(text, "applied", undo=True)
