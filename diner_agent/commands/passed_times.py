"""Times of day that have already passed when the text arrives: asked about, never silently guessed.

Two readings would otherwise go quietly wrong:
- "closed until 5pm" sent at 5:00:30 pm means a closure until tomorrow 5pm, read without a day; the
  owner may just be late with today's. The text is read again as if sent `RECENT` earlier (but today):
  when that reading ends today at a time now gone, and is not a duration ("for 2 hours": one that moves
  with the moment the text is sent), the change is asked about ("Did you mean tomorrow?").
  The same holds for an item sold out "until 5". Re-reading keeps this check independent of how the
  reader spells times and durations.
- "closing at 2" sent at 8:30 pm would set today's closing time to one already gone: the diner would close
  at once. When the text names no day, it is offered for tomorrow instead; when it does ("today"), it is
  asked about as written. The same for "open at 7" sent at 7:45 pm, when today's opening has gone by too.
The reasons returned join confirmation_reasons (understand.py); the confirmation's opening words come
from them (confirmations.lead_for).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from diner_agent.commands.apply import ApplyError, new_hours
from diner_agent.commands.model import ChangeHours, CloseEmergency, Command, ToggleAvailable
from diner_agent.commands.when import WhenError, find_days
from diner_agent.menu.hours import hours_on
from diner_agent.menu.records import MenuSnapshot

RECENT = timedelta(hours=12)  # a clock time that passed longer ago than this is plainly the next one
NUDGE = timedelta(minutes=17)  # how far apart the two earlier readings are sent (any few minutes would do)

# reread(now) -> the commands the same text is read as at another moment.
Reread = Callable[[datetime], tuple[Command, ...]]


def review(
    text: str, commands: tuple[Command, ...], snapshot: MenuSnapshot, now: datetime, reread: Reread
) -> tuple[tuple[Command, ...], tuple[str, ...]]:
    """The commands to offer (today's hours moved to tomorrow when that is what the text must mean) and
    the reasons to ask first: "tomorrow" (a guess of the next day) or "past" (a time gone, as written)."""
    if not any(isinstance(c, (ChangeHours, CloseEmergency, ToggleAvailable)) for c in commands):
        return commands, ()  # prices and the like carry no time of day
    tz = ZoneInfo(snapshot.tenant.timezone)
    local = now.astimezone(tz)
    reasons: list[str] = []
    out: list[Command] = []
    earlier: tuple[tuple[Command, ...], tuple[Command, ...]] | None = None
    for n, command in enumerate(commands):
        ends = _until(command)
        if ends is not None and ends.astimezone(tz).date() > local.date():
            if _may_have_passed(ends.astimezone(tz), local):
                earlier = earlier or _read_earlier(local, reread)
                then, later = earlier
                if len(then) == len(later) == len(commands) and _rolled_over(command, then[n], later[n], local):
                    reasons.append("tomorrow")
        elif isinstance(command, ChangeHours) and (
            _closes_in_the_past(command, snapshot, local) or _opens_in_the_past(command, snapshot, local)
        ):
            moved = _to_tomorrow(command, text, snapshot, local.date())
            reasons.append("past" if moved is None else "tomorrow")
            command = moved or command
        out.append(command)
    return tuple(out), tuple(dict.fromkeys(reasons))


def _until(command: Command) -> datetime | None:
    """When a change ends by itself: a closure's end, or when a sold-out item comes back."""
    if isinstance(command, CloseEmergency):
        return command.value.until
    if isinstance(command, ToggleAvailable) and command.value is False and not command.at_next_open:
        return command.until  # (the next opening by the diner's rule names no time that could have passed)
    return None


def _may_have_passed(ends: datetime, local: datetime) -> bool:
    """Whether the time of day `ends` names (or the same hour 12 hours off, for a bare "till 5") came
    today within the last `RECENT`: only then can the text mean a time gone; a cheap test before reading
    the text again."""
    since = local - RECENT
    for hours in (0, 12):
        wall = (datetime.combine(local.date(), ends.time()) + timedelta(hours=hours)).time()
        today = datetime.combine(local.date(), wall, local.tzinfo)
        if since.astimezone(UTC) <= today.astimezone(UTC) <= local.astimezone(UTC):
            return True
    return False


def _read_earlier(local: datetime, reread: Reread) -> tuple[tuple[Command, ...], tuple[Command, ...]]:
    """The same text as if sent `RECENT` earlier (but today), and `NUDGE` after that. When the text names
    a clock time that has passed since, the first reading ends today, at the time the owner may have
    meant; a duration ("for 2 hours") moves by exactly `NUDGE` between the two, a clock time does not."""
    then = max(local - RECENT, datetime.combine(local.date(), time(0, 1), local.tzinfo)).astimezone(UTC)
    if then + NUDGE >= local.astimezone(UTC):
        return (), ()
    return reread(then), reread(then + NUDGE)


def _rolled_over(command: Command, then: Command, nudged: Command, local: datetime) -> bool:
    """Read now, `command` ends on a later day; read earlier today, it ended today at a time now gone,
    and it is not a duration."""
    ends, ended, nudged_end = _until(command), _until(then), _until(nudged)
    if ends is None or ended is None or nudged_end is None:
        return False
    if nudged_end.astimezone(UTC) - ended.astimezone(UTC) == NUDGE:
        return False  # a duration: read the same way whenever it is sent
    ended = ended.astimezone(UTC)
    if ended == ends.astimezone(UTC):
        return False  # the same moment whenever it was sent: a day named, or a time that comes next anyway
    return ended.astimezone(local.tzinfo).date() == local.date() and ended <= local.astimezone(UTC)


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


def _opens_in_the_past(command: ChangeHours, snapshot: MenuSnapshot, local: datetime) -> bool:
    """A change of today's opening time when today's opening and the new one have both gone by ("open at
    7" sent at 7:45 pm): it cannot be for today."""
    today = local.date()
    if command.value == "closed" or command.value.open is None or command.value.close is not None:
        return False  # with a closing time to come ("today only 8-12") the change still means something
    if today.isoformat() not in command.target:
        return False
    current = hours_on(snapshot, today)
    opened = not current or time.fromisoformat(current[0][0]) <= local.time()
    return opened and time.fromisoformat(command.value.open) <= local.time()


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
