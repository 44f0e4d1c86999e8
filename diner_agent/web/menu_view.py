"""What a customer reads on the public page, in words: today's real status in the header ("Open today
6:30am-2pm · closing early", "Closed now · opens tomorrow at 6:30am", "Closed today: burst pipe"), the
sections (Specials first), sold-out items with when they are back, upcoming special days as dates people
say ("Thu, Dec 24"), and the diner's address, phone and website. Built from the public document
(menu_document.py), so the page and the JSON never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from diner_agent.commands.replies import DAY_NAMES, money
from diner_agent.commands.replies import clock as time_text
from diner_agent.menu.hours import local_now
from diner_agent.menu.prices import cents_of
from diner_agent.menu.records import WEEKDAYS, MenuSnapshot

UPCOMING_DAYS = 30  # special days further ahead are in the JSON, not on the page
_DASH = "\u2013"


@dataclass(frozen=True)
class Status:
    open: bool
    headline: str  # "Open today 6:30am-2pm", "Closed now", "Closed today: burst pipe"
    detail: str | None  # "closing early", "opens tomorrow at 6:30am", "expected to reopen Tue, Dec 1 at 7am"
    emergency: bool = False


def _span(intervals: list[dict]) -> str:
    return ", ".join(f"{time_text(i['open'])}{_DASH}{time_text(i['close'])}" for i in intervals)


def human_day(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    return f"{DAY_NAMES[WEEKDAYS[day.weekday()]]}, {day.strftime('%b')} {day.day}"


def when_text(instant: datetime, now_local: datetime) -> str:
    """'today at 5pm', 'tomorrow at 6:30am', 'Mon, Nov 30 at 7am'."""
    local = instant.astimezone(now_local.tzinfo)
    label = human_day(local.date(), now_local.date())
    if label in ("Today", "Tomorrow"):
        label = label.lower()
    return f"{label} at {time_text(local.strftime('%H:%M'))}"


def status(document: dict, snapshot: MenuSnapshot, now: datetime) -> Status:
    local = local_now(snapshot, now)
    today = document["today"]
    upcoming = datetime.fromisoformat(today["next_open"]) if today["next_open"] else None
    closure = document["closure"]
    if closure is not None:
        reason = f": {closure['reason']}" if closure.get("reason") else ""
        if upcoming is not None:
            detail = f"expected to reopen {when_text(upcoming, local)}"
        elif closure.get("until"):
            detail = f"expected to reopen {when_text(datetime.fromisoformat(closure['until']), local)}"
        else:
            detail = "we'll reopen as soon as we can"
        return Status(False, f"Closed today{reason}", detail, emergency=True)
    weekday = snapshot.weekly.get(WEEKDAYS[local.weekday()], ())
    early = bool(today["intervals"]) and weekday and today["intervals"][-1]["close"] < weekday[-1][1]
    if document["open_now"]:
        return Status(True, f"Open today {_span(today['intervals'])}", "closing early" if early else None)
    detail = f"opens {when_text(upcoming, local)}" if upcoming is not None else None
    return Status(False, "Closed now", detail)


def sections(document: dict, now_local: datetime) -> list[tuple[str, list[dict]]]:
    """Menu sections in menu order, Specials first; each item with its price and sold-out text."""
    out: dict[str, list[dict]] = {}
    currency = document["currency"]
    for item in document["items"]:
        view = dict(item, price_text=money(cents_of(item["price"]), currency), note=None)
        if not item["available"]:
            back = f"back {when_text(datetime.fromisoformat(item['back_at']), now_local)}" if item["back_at"] else None
            view["note"] = f"Sold out{' · ' + back if back else ''}"
        elif item.get("special") and item.get("ends_at"):
            view["note"] = f"until {time_text(datetime.fromisoformat(item['ends_at']).strftime('%H:%M'))}"
        out.setdefault("Specials" if item.get("special") else item["category"] or "Menu", []).append(view)
    ordered = sorted(out.items(), key=lambda kv: kv[0] != "Specials")
    return ordered


def week(document: dict, today: date) -> list[tuple[str, str, bool]]:
    """(day, hours, is today) for the weekly table; today's row with today's hours when they differ."""
    key = WEEKDAYS[today.weekday()]
    rows = []
    for day, ivs in document["hours"].items():
        text = _span(ivs) or "Closed"
        if day == key and document["today"]["intervals"] != ivs:  # today's row shows today's real hours
            text = f"{_span(document['today']['intervals']) or 'Closed'} today"
        rows.append((DAY_NAMES[day], text, day == key))
    return rows


def special_days(document: dict, today: date) -> list[tuple[str, str]]:
    """Upcoming special days (today through the next 30 days) as people say them."""
    out = []
    for key, intervals in document["special_hours"].items():
        day = date.fromisoformat(key)
        if today <= day <= today + timedelta(days=UPCOMING_DAYS):
            out.append((human_day(day, today), _span(intervals) or "Closed"))
    return out
