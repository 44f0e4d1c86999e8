r"""Reply texts: plain words, GSM-7 characters only (one emoji makes an SMS cost 2-3x), old -> new for
every change, normally one SMS segment and never more than two.

Length is counted as carriers count it, in GSM-7 septets: one part holds 160, but a text of several parts
carries 153 in each (the rest is the joining header), and the extension characters `€ [ ] { } ^ ~ | \`
take two septets each. So "two parts" is 306 septets, not 320 characters.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from anyascii import anyascii

from diner_agent.menu.records import WEEKDAYS, Interval, MenuSnapshot

SEPTETS_PER_PART = 153  # of a text sent in several parts; a text of one part holds 160
MAX_REPLY = 2 * SEPTETS_PER_PART  # septets: at most two parts
# "mon" -> "Mon": how replies, the public page and the chat prompt name weekdays.
DAY_NAMES = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
_LONG_DAY = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
# The GSM 03.38 basic set plus the extension table (each extension character costs two).
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
) | set("^{}\\[~]|€")
_EXTENSION = frozenset("^{}\\[~]|€")  # sent as escape + character: two septets
_FOLD = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2192": "->",
         "\u2026": "...", "\u00a0": " ", "\t": " "}  # fmt: skip
_CURRENCY = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "GBP": "£", "EUR": "€", "JPY": "¥"}

HELP = (
    "Text me: '86 meatloaf' (sold out), 'meatloaf is back', 'coffee 2.75' (price), 'close at 2 today', "
    "'sat 8-2', 'closed mondays', 'emergency close, burst pipe', 'open again'. Also UNDO, MENU, HOURS."
)
STAFF_HELP = (
    "Text me: '86 meatloaf' (sold out), 'meatloaf is back', UNDO, MENU, HOURS. Prices and hours are for owners."
)
NOT_UNDERSTOOD = "Sorry, I didn't get that. Try '86 meatloaf', 'coffee 2.75' or 'close at 2 today'. Text HELP for more."
NOTHING_CHANGED = "Nothing changed."
# What a channel answers when handling a message failed on our side (the traceback is logged).
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
# The database is down (StoreUnavailable): nothing was saved, and the sender must know to send it again.
STORE_DOWN = "Sorry, I couldn't save that - please text it again in a minute."


def to_gsm7(text: str) -> str:
    """Replace what GSM-7 cannot carry: curly quotes and dashes by plain ones, accents folded, other
    letters transliterated (Œ -> Oe, ł -> l, Đ -> D), the rest (emoji, symbols) dropped."""
    out = []
    for ch in text:
        if ch in _GSM7:
            out.append(ch)
        elif ch in _FOLD:
            out.append(_FOLD[ch])
        else:
            out.append(_fold(ch))
    return "".join(out)


def _fold(ch: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if c in _GSM7 and not unicodedata.combining(c))
    if folded or not unicodedata.category(ch).startswith("L"):
        return folded
    # A letter with no decomposition into GSM-7 (Œ, ł, Đ, ħ, Cyrillic, CJK): its ASCII transliteration.
    return "".join(c for c in anyascii(ch) if c in _GSM7)


def septets(text: str) -> int:
    """The GSM-7 length of a text already in GSM-7 (`to_gsm7`): extension characters count two."""
    return len(text) + sum(1 for ch in text if ch in _EXTENSION)


def fit(text: str, limit: int = MAX_REPLY) -> str:
    """GSM-7 and at most `limit` septets, cut at a word with '...' when it must be cut."""
    text = " ".join(to_gsm7(text).split())
    if septets(text) <= limit:
        return text
    budget, end = limit - 3, 0
    for end, ch in enumerate(text):  # noqa: B007 (the index where the budget runs out)
        budget -= 2 if ch in _EXTENSION else 1
        if budget < 0:
            break
    cut = text[:end].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "..."


def money(cents: int, currency: str = "USD") -> str:
    symbol = _CURRENCY.get(currency)
    amount = f"{cents // 100}.{cents % 100:02d}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def clock(hhmm: str) -> str:
    """'07:00' -> '7am', '14:30' -> '2:30pm', '12:00' -> 'noon', '00:00' -> 'midnight'."""
    if hhmm == "12:00":
        return "noon"
    if hhmm in ("00:00", "24:00"):
        return "midnight"
    hour, minute = int(hhmm[:2]), int(hhmm[3:])
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}{suffix}" if minute == 0 else f"{hour}:{minute:02d}{suffix}"


def intervals_text(intervals: tuple[Interval, ...] | None) -> str:
    if not intervals:
        return "closed"
    return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in intervals)


def day_label(key: str, today: date) -> str:
    """'Sat' for a weekday key; 'today' / 'tomorrow' / 'Sat Nov 28' for a date key."""
    if key in DAY_NAMES:
        return _LONG_DAY[key]
    day = date.fromisoformat(key)
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"{DAY_NAMES[WEEKDAYS[day.weekday()]]} {day.strftime('%b')} {day.day}"


def moment(value: datetime, tz_now: datetime) -> str:
    """A local instant in words relative to now: '4pm', 'tomorrow 7am', 'Mon Nov 30 7am'."""
    local = value.astimezone(tz_now.tzinfo)
    label = day_label(local.date().isoformat(), tz_now.date())
    time_text = clock(local.strftime("%H:%M"))
    return time_text if label == "today" else f"{label} {time_text}"


def join(parts: list[str]) -> str:
    return " ".join(p.strip() for p in parts if p.strip())


def menu_summary(snapshot: MenuSnapshot, link: str | None) -> str:
    """Sold-out items first (what staff ask about), then as many priced items as fit."""
    currency = snapshot.tenant.currency
    out = [i.name for i in snapshot.items if not i.available]
    head = f"86'd: {', '.join(out)}. " if out else "Nothing is sold out. "
    tail = f" Full menu: {link}" if link else ""
    budget = MAX_REPLY - septets(to_gsm7(head)) - septets(to_gsm7(tail)) - 12
    listed = []
    for item in snapshot.items:
        if not item.available:
            continue
        entry = f"{item.name} {money(item.price_cents, currency)}"
        if sum(septets(to_gsm7(e)) + 2 for e in listed) + septets(to_gsm7(entry)) > budget:
            listed.append(f"+{sum(1 for i in snapshot.items if i.available) - len(listed)} more")
            break
        listed.append(entry)
    return fit(head + ", ".join(listed) + "." + tail)


def hours_summary(snapshot: MenuSnapshot, now: datetime, closure_note: str | None) -> str:
    groups: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        text = intervals_text(snapshot.weekly.get(day, ()))
        if groups and groups[-1][1] == text:
            groups[-1][0].append(day)
        else:
            groups.append(([day], text))
    parts = []
    for days, text in groups:
        label = DAY_NAMES[days[0]] if len(days) == 1 else f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
        parts.append(f"{label} {text}")
    today = now.astimezone(now.tzinfo).date()
    special = [
        f"{day_label(d.isoformat(), today)} {intervals_text(iv)}"
        for d, iv in sorted(snapshot.special.items())
        if d >= today
    ][:3]
    text = "Hours: " + "; ".join(parts) + "."
    if special:
        text += " Special: " + "; ".join(special) + "."
    if closure_note:
        text = closure_note + " " + text
    return fit(text)
