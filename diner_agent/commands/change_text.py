"""Words for changes: one sentence per change (old -> new), hours of several days merged into one, and
the hints that end a reply ("Reply UNDO to revert.", "Reply YES to confirm or NO to cancel.")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from diner_agent.commands.replies import day_label, fit, intervals_text, join, moment, money
from diner_agent.menu.records import Change, TenantInfo

UNDO_HINT = "Reply UNDO to revert."
CONFIRM_HINT = "Reply YES to confirm or NO to cancel."


def change_lines(changes: Sequence[Change], tenant: TenantInfo, local_now: datetime) -> list[str]:
    """A sentence per change, with days whose hours changed alike merged into one."""
    return group_hours([(change, applied(change, tenant, local_now)) for change in changes])


def asked_lines(changes: Sequence[Change], tenant: TenantInfo, local_now: datetime) -> list[str]:
    """Like change_lines, for a confirmation question: a closure alone is proposed ("Close Demo Diner
    until tomorrow 5pm?"), not told as if done."""
    lines = change_lines(changes, tenant, local_now)
    if len(changes) == 1 and changes[0].action == "close_emergency":
        told = lines[0].split(";", 1)[0]
        lines = [told.replace(f"{tenant.name} is now closed", f"Close {tenant.name}", 1) + "?"]
    return lines


def done_text(changes: Sequence[Change], tenant: TenantInfo, local_now: datetime) -> str:
    """The reply for changes just applied: what changed, and UNDO when anything did."""
    hint = [UNDO_HINT] if any(change.changed for change in changes) else []
    return fit(join([*change_lines(changes, tenant, local_now), *hint]))


def confirmed_text(changes: Sequence[Change], tenant: TenantInfo, local_now: datetime) -> str:
    """The reply to a YES: "Done." and, named, what that YES applied ("Done. Hot Tea: $2.25 -> $9.00."),
    so the sender sees which of their requests it answered."""
    return fit(join(["Done.", done_text(changes, tenant, local_now)]))


def applied(change: Change, tenant: TenantInfo, local_now: datetime) -> str:
    """One sentence for a change just made (or found already in place)."""
    action, target, old, new = change.action, change.target, change.old, change.new
    if action == "update_price":
        if old == new:
            return f"{target} is already {money(new, tenant.currency)}."  # type: ignore[arg-type]
        return f"{target}: {money(old, tenant.currency)} -> {money(new, tenant.currency)}."  # type: ignore[arg-type]
    if action == "toggle_available":
        if old == new:
            return f"{target} was already {'available' if new else 'sold out'}."
        return f"{target} is {'back on the menu' if new else 'now sold out'}."
    if action == "change_hours":
        label = day_label(target or "", local_now.date())
        if old == new or (not old and not new):
            return f"{label[:1].upper() + label[1:]} was already {intervals_text(new)}."  # type: ignore[arg-type]
        return f"{label[:1].upper() + label[1:]}: {intervals_text(old)} -> {intervals_text(new)}."  # type: ignore[arg-type]
    if action == "close_emergency":
        info = new if isinstance(new, dict) else {}
        reason = f" ({info.get('reason')})" if info.get("reason") else ""
        until = info.get("until")
        when = f" until {moment(datetime.fromisoformat(until), local_now)}" if until else ""
        return f"{tenant.name} is now closed{reason}{when}; the public menu shows it. Text OPEN AGAIN to reopen."
    if action == "reopen":
        if old is None:
            return f"{tenant.name} was not closed; nothing to reopen."
        reason = old.get("reason") if isinstance(old, dict) else None
        return f"{tenant.name} is open again" + (f" (was closed: {reason})." if reason else ".")
    return f"{action} done."


def group_hours(lines: list[tuple[Change, str]]) -> list[str]:
    """Merge "Mon: 7am-3pm -> 6:30am-3pm. Tue: ..." into "Mon, Tue: 7am-3pm -> 6:30am-3pm." """
    out: list[str] = []
    merged: dict[tuple[str, str], list[str]] = {}
    order: list[tuple[str, str] | str] = []
    for change, text in lines:
        if change.action == "change_hours" and ":" in text and change.old != change.new:
            label, rest = text.split(":", 1)
            key = (rest, "")
            if key not in merged:
                merged[key] = []
                order.append(key)
            merged[key].append(label)
        else:
            order.append(text)
    for entry in order:
        if isinstance(entry, tuple):
            labels = merged[entry]
            out.append(f"{', '.join(labels)}:{entry[0]}")
        else:
            out.append(entry)
    return out
