"""The public menu document (DESIGN 4.3) and its schema.org JSON-LD twin for the HTML page."""

from __future__ import annotations

from datetime import datetime, timedelta

from diner_agent.menu.hours import hours_on, is_open, local_now, next_opening
from diner_agent.menu.prices import price_text
from diner_agent.menu.records import WEEKDAYS, Interval, MenuItem, MenuSnapshot

SCHEMA_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


def _intervals(intervals: tuple[Interval, ...]) -> list[dict[str, str]]:
    return [{"open": a, "close": b} for a, b in intervals]


def _iso(snapshot: MenuSnapshot, value: datetime | None) -> str | None:
    return None if value is None else local_now(snapshot, value).isoformat()


def today_status(snapshot: MenuSnapshot, now: datetime) -> dict:
    """`today`: the local date, the hours in force on it (special hours included), whether the diner is
    open now (closures included) and its next opening (none during a closure before its end)."""
    today = local_now(snapshot, now).date()
    closure = snapshot.closure_at(now)
    after = now if closure is None or closure.until is None or closure.until <= now else closure.until
    upcoming = None if closure is not None and closure.until is None else next_opening(snapshot, after)
    return {
        "date": today.isoformat(),
        "intervals": _intervals(hours_on(snapshot, today)),
        "open_now": is_open(snapshot, now),
        "next_open": _iso(snapshot, upcoming),
    }


def _item(snapshot: MenuSnapshot, item: MenuItem, now: datetime) -> dict:
    out = {
        "name": item.name,
        "category": item.category,
        "price": price_text(item.price_cents),
        "available": item.available_at(now),
        "back_at": _iso(snapshot, item.back_at(now)),
    }
    if item.special:
        out["special"] = True
        out["ends_at"] = _iso(snapshot, item.special_until)
    return out


def public_menu(snapshot: MenuSnapshot, now: datetime) -> dict:
    """The JSON customers and outside checks read: the DESIGN 4.3 shape, plus `today` and each item's
    `back_at` (docs/public-menu.md). Computed from stored times at `now`: nothing runs on a timer."""
    snapshot = snapshot.as_of(now)
    today = local_now(snapshot, now).date()
    closure = snapshot.closure_at(now)
    return {
        "tenant": snapshot.tenant.id,
        "name": snapshot.tenant.name,
        "timezone": snapshot.tenant.timezone,
        "currency": snapshot.tenant.currency,
        "open_now": is_open(snapshot, now),
        "closure": None
        if closure is None
        else {
            "reason": closure.reason,
            "since": local_now(snapshot, closure.since).isoformat(),
            "until": local_now(snapshot, closure.until).isoformat() if closure.until else None,
        },
        "hours": {day: _intervals(snapshot.weekly.get(day, ())) for day in WEEKDAYS},
        # Past dates no longer matter to anyone reading the menu; keep today and later.
        "special_hours": {
            day.isoformat(): _intervals(iv) for day, iv in sorted(snapshot.special.items()) if day >= today
        },
        "today": today_status(snapshot, now),
        "items": [_item(snapshot, item, now) for item in snapshot.items],
    }


def json_ld(snapshot: MenuSnapshot, now: datetime, menu_url: str) -> dict:
    """schema.org Restaurant with its Menu, sections, items (with offers and availability), hours, the
    address and phone when known; special days and an emergency closure as specialOpeningHoursSpecification
    (00:00-00:00 = closed), which overrides the weekly hours for those dates."""
    snapshot = snapshot.as_of(now)
    today = local_now(snapshot, now).date()
    currency = snapshot.tenant.currency
    sections: dict[str, list[dict]] = {}
    for item in snapshot.items:
        sections.setdefault(item.category or "Menu", []).append(
            {
                "@type": "MenuItem",
                "name": item.name,
                "offers": {
                    "@type": "Offer",
                    "price": price_text(item.price_cents),
                    "priceCurrency": currency,
                    "availability": "https://schema.org/InStock"
                    if item.available_at(now)
                    else "https://schema.org/SoldOut",
                },
            }
        )
    hours = [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": SCHEMA_DAYS[day], "opens": a, "closes": b}
        for day in WEEKDAYS
        for a, b in snapshot.weekly.get(day, ())
    ]
    special = []
    for day, intervals in sorted(snapshot.special.items()):
        if day < today:
            continue
        bounds = {"validFrom": day.isoformat(), "validThrough": day.isoformat()}
        if not intervals:
            special.append({"@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00", **bounds})
        for a, b in intervals:
            special.append({"@type": "OpeningHoursSpecification", "opens": a, "closes": b, **bounds})
    closure = snapshot.closure_at(now)
    if closure is not None:
        end = closure.until or (now + timedelta(days=1))
        special.append(
            {
                "@type": "OpeningHoursSpecification",
                "opens": "00:00",
                "closes": "00:00",
                "validFrom": local_now(snapshot, closure.since).date().isoformat(),
                "validThrough": local_now(snapshot, end).date().isoformat(),
            }
        )
    tenant = snapshot.tenant
    doc = {
        "@context": "https://schema.org",
        "@type": "Restaurant",
        "name": tenant.name,
        "url": tenant.website or menu_url,
        "currenciesAccepted": currency,
        "openingHoursSpecification": hours,
        "hasMenu": {
            "@type": "Menu",
            "name": f"{tenant.name} menu",
            "url": menu_url,
            "hasMenuSection": [
                {"@type": "MenuSection", "name": name, "hasMenuItem": items} for name, items in sections.items()
            ],
        },
    }
    if special:
        doc["specialOpeningHoursSpecification"] = special
    if tenant.address:
        doc["address"] = tenant.address
    if tenant.phone:
        doc["telephone"] = tenant.phone
    return doc
