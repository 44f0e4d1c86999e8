"""The web chat's system prompt: who the assistant is, what it must refuse, and the diner's live state.

Built per request from a fresh snapshot, so what the model says about prices, sold-out items, hours and
closures is true at the moment of asking. The next seven days are spelled out with special hours and
closures already applied: a small model gets "are we open Friday?" right far more often when it can read
the answer than when it must work it out from a weekly table plus exceptions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from diner_agent.commands.replies import DAY_NAMES, clock, intervals_text, money
from diner_agent.menu.hours import hours_on, is_open, local_now, next_opening
from diner_agent.menu.prices import price_text
from diner_agent.menu.records import WEEKDAYS, MenuSnapshot

MAX_ITEMS = 200  # a prompt, not a database dump; past this the model is told how many were left out

ROLE = """\
You are the manager's assistant for {name}, a diner. You talk with the owner (or a manager) through the \
Diner Agent web chat and help them run the menu: what is on it, prices, what is sold out, opening hours \
and closures, and wording for specials or signs.

Rules:
- Use only the facts below. They are live: read from the menu system at the time given under "Now". \
If something is not listed, say you do not know.
- You cannot change anything yourself. The owner changes the menu by typing a short command in this \
chat, which the menu system applies at once. When they want a change, give them the exact command to \
type, for example: "86 {example}" (sold out), "{example} is back", "{example} {price}" (new price), \
"close at 2 today", "sat 8-2", "emergency close, burst pipe", "open again", "UNDO", "MENU", "HOURS".
- You do not take customer orders or reservations: this chat is for the diner's staff, not its guests.
- You do not give financial, investment, tax or legal advice.
- You do not ask for or collect personal information (names, phone numbers, addresses, payment \
details) about anyone.
- Answer briefly, in plain text, in the language the owner writes in."""


def system_prompt(snapshot: MenuSnapshot, now: datetime) -> str:
    """The system message for one chat request at `now`."""
    name, price = example_item(snapshot)
    role = ROLE.format(name=snapshot.tenant.name, example=name, price=price)
    return "\n\n".join([role, _status(snapshot, now), _hours(snapshot, now), _menu(snapshot)])


def example_item(snapshot: MenuSnapshot) -> tuple[str, str]:
    """One of the diner's own items for examples (name in lower case, and a new price for it): they read
    as instructions, not as a generic template."""
    item = next((i for i in snapshot.items if i.available), snapshot.items[0] if snapshot.items else None)
    if item is None:
        return "meatloaf", "9.50"
    return item.name.lower(), price_text(item.price_cents + 25)


def _stamp(local: datetime) -> str:
    return f"{local.strftime('%A %Y-%m-%d')} {clock(local.strftime('%H:%M'))} ({local.tzname()})"


def _status(snapshot: MenuSnapshot, now: datetime) -> str:
    tenant = snapshot.tenant
    local = local_now(snapshot, now)
    lines = [
        f"Diner: {tenant.name} (id {tenant.id}), time zone {tenant.timezone}, prices in {tenant.currency}.",
        f"Now: {_stamp(local)}. Open right now: {'yes' if is_open(snapshot, now) else 'no'}.",
    ]
    closure = snapshot.closure_at(now)
    if closure is not None:
        until = f"until {_when(closure.until, local)}" if closure.until else "until the owner reopens"
        reason = f" Reason: {closure.reason}." if closure.reason else ""
        lines.append(f"EMERGENCY CLOSURE in force since {_when(closure.since, local)}, {until}.{reason}")
    else:
        lines.append("No emergency closure is in force.")
    # After a closure with no end, only the owner knows when the diner opens again.
    after = now if closure is None else closure.until
    opening = next_opening(snapshot, after) if after is not None and not is_open(snapshot, now) else None
    if opening is not None:
        lines.append(f"Next scheduled opening: {_when(opening, local)}.")
    return "\n".join(lines)


def _when(moment: datetime, local: datetime) -> str:
    there = moment.astimezone(local.tzinfo)
    return f"{there.strftime('%a %Y-%m-%d')} {clock(there.strftime('%H:%M'))}"


def _hours(snapshot: MenuSnapshot, now: datetime) -> str:
    today = local_now(snapshot, now).date()
    weekly = "; ".join(f"{DAY_NAMES[day]} {intervals_text(snapshot.weekly.get(day, ()))}" for day in WEEKDAYS)
    days = []
    for offset in range(7):
        day = today + timedelta(days=offset)
        label = "Today" if offset == 0 else "Tomorrow" if offset == 1 else day.strftime("%a")
        special = " (special hours)" if day in snapshot.special else ""
        days.append(f"- {label} {day.isoformat()}: {intervals_text(hours_on(snapshot, day))}{special}")
    return f"Weekly hours: {weekly}.\nThe next seven days (special hours applied):\n" + "\n".join(days)


def _menu(snapshot: MenuSnapshot) -> str:
    currency = snapshot.tenant.currency
    items = snapshot.items[:MAX_ITEMS]
    sold_out = [i.name for i in snapshot.items if not i.available]
    lines = [
        f"- {item.name}{f' [{item.category}]' if item.category else ''}: {money(item.price_cents, currency)}"
        f"{' - SOLD OUT' if not item.available else ''}"
        for item in items
    ]
    if len(snapshot.items) > MAX_ITEMS:
        lines.append(f"- ...and {len(snapshot.items) - MAX_ITEMS} more items not listed here.")
    head = f"Menu ({len(snapshot.items)} items; sold out now: {', '.join(sold_out) if sold_out else 'nothing'}):"
    return head + "\n" + "\n".join(lines)
