"""Validators for the public pages, cheap enough that a CDN's revalidation costs almost nothing.

A page changes only when the diner's version moves (any change by text or a reload) or when time crosses
something the page shows: the local date, an opening or closing, a closure's end, a sold-out item's
`back_at`, a special's end. The ETag is a hash of exactly those, so a matching If-None-Match is answered
304 without building the document, and two workers give the same ETag for the same page.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from diner_agent.menu.hours import is_open, local_now, next_opening, scheduled_open
from diner_agent.menu.records import MenuSnapshot

CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=300"
_TEMPLATES = Path(__file__).parent / "templates"


def build_tag() -> str:
    """Changes when the page templates change, so a deploy never serves an old page under a new ETag."""
    digest = hashlib.sha256()
    for path in sorted(_TEMPLATES.glob("public_*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def etag(snapshot: MenuSnapshot, now: datetime, variant: str) -> str:
    """The page's ETag at `now`: the diner's version plus what time has changed about it."""
    seen = snapshot.as_of(now)
    closure = seen.closure_at(now)
    upcoming = next_opening(seen, now)
    parts = (
        variant,
        seen.tenant.id,
        str(seen.tenant.version),
        local_now(seen, now).date().isoformat(),
        "open" if is_open(seen, now) else "closed",
        "scheduled" if scheduled_open(seen, now) else "off",
        str(closure.id) if closure else "-",
        upcoming.isoformat() if upcoming else "-",
        ",".join(str(i.id) for i in seen.items if not i.available),
        str(len(seen.items)),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
