"""Times of day that have already passed when the text arrives: asked about, never silently guessed.

Two readings would otherwise go quietly wrong:
- "closed until 5pm" sent at 5:00:30 pm means a closure until tomorrow 5pm, read without a day; the
  owner may just be late with today's. It is asked about ("Did you mean tomorrow?") when the stated time
  passed today less than `RECENT` ago. A closure time is told apart from a duration ("for 2 hours") by
  reading the text again as if sent just after midnight: a clock time then lands today at the same time of
  day, a duration does not. That keeps this check independent of how the reader spells either.
- "closing at 2" sent at 8:30 pm would set today's closing time to one already gone: the diner would close
  at once. When the text names no day, it is offered for tomorrow instead; when it does ("today"), it is
  asked about as written.
The reasons returned join confirmation_reasons (understand.py); the confirmation's opening words come
from them (confirmations.lead_for).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from diner_agent.commands.apply import ApplyError, new_hours
from diner_agent.commands.model import ChangeHours, CloseEmergency, Command
from diner_agent.commands.when import WhenError, find_days
from diner_agent.menu.hours import hours_on
from diner_agent.menu.records import MenuSnapshot

RECENT = timedelta(hours=12)  # a clock time that passed longer ago than this is plainly the next one

# reread(now) -> the commands the same text is read as at another moment.
Reread = Callable[[datetime], tuple[Command, ...]]


def review(
    text: str, commands: tuple[Command, ...], snapshot: MenuSnapshot, now: datetime, reread: Reread
) -> tuple[tuple[Command, ...], tuple[str, ...]]:
    """The commands to offer (today's hours moved to tomorrow when that is what the text must mean) and
    the reasons to ask first: "tomorrow" (a guess of the next day) or "past" (a time gone, as written)."""
    tz = ZoneInfo(snapshot.tenant.timezone)
    local = now.astimezone(tz)
    reasons: list[str] = []
    out: list[Command] = []
    for command in commands:
        if isinstance(command, CloseEmergency) and _rolled_over(command, local, reread):
            reasons.append("tomorrow")
        elif isinstance(command, ChangeHours) and _closes_in_the_past(command, snapshot, local):
            moved = _to_tomorrow(command, text, snapshot, local.date())
            reasons.append("past" if moved is None else "tomorrow")
            command = moved or command
        out.append(command)
    return tuple(out), tuple(dict.fromkeys(reasons))


def _rolled_over(command: CloseEmergency, local: datetime, reread: Reread) -> bool:
    until = command.value.until
    if until is None or until.astimezone(local.tzinfo).date() <= local.date():
        return False
    just_after_midnight = datetime.combine(local.date(), time(0, 1), local.tzinfo)
    earlier = [c for c in reread(just_after_midnight) if isinstance(c, CloseEmergency) and c.value.until]
    if not earlier:
        return False
    today = earlier[0].value.until.astimezone(local.tzinfo)  # type: ignore[union-attr]
    same_time = today.date() == local.date() and today.time() == until.astimezone(local.tzinfo).time()
    passed = local.astimezone(UTC) - today.astimezone(UTC)
    return same_time and timedelta(0) <= passed < RECENT


def _closes_in_the_past(command: ChangeHours, snapshot: MenuSnapshot, local: datetime) -> bool:
    """A change of today's closing time to one already gone (so the diner would close at once)."""
    today = local.date()
    if command.value == "closed" or command.value.close is None or today.isoformat() not in command.target:
        return False
    try:
        intervals = new_hours(hours_on(snapshot, today), command, today.isoformat(), today)
    except ApplyError:
        return False
    if not intervals:
        return False
    opens, closes = intervals[-1]
    end_day = today if closes > opens else today + timedelta(days=1)
    end = datetime.combine(end_day, time.fromisoformat(closes), local.tzinfo)
    return end.astimezone(UTC) <= local.astimezone(UTC)


def _to_tomorrow(command: ChangeHours, text: str, snapshot: MenuSnapshot, today: date) -> ChangeHours | None:
    """The same change for tomorrow, when the text named no day and tomorrow can take it; else None."""
    try:
        named, _ = find_days(text.lower(), today)
    except WhenError:
        return None
    if named:
        return None
    tomorrow = today + timedelta(days=1)
    moved = ChangeHours(
        target=[tomorrow.isoformat() if key == today.isoformat() else key for key in command.target],
        value=command.value,
    )
    try:
        if new_hours(hours_on(snapshot, tomorrow), moved, tomorrow.isoformat(), today) is None:
            return None
    except ApplyError:
        return None
    return moved
