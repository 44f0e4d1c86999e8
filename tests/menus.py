"""Menu snapshots built straight from tenant files, for tests that need no database; the owner-text corpora
and the menus they were written for (tests/unit/test_grammar_corpus.py, bench/parse.py, bench/run.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from diner_agent.menu.hours import parse_spec
from diner_agent.menu.records import MenuItem, MenuSnapshot, TenantInfo
from diner_agent.menu.tenant_file import read_tenant_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_TENANT = ROOT / "tests" / "fixtures" / "sample-tenant.yaml"
DEMO_TENANT = ROOT / "examples" / "demo-diner.yaml"
ROUTE66_TENANT = ROOT / "tests" / "fixtures" / "route66.yaml"
HARBOR_TENANT = ROOT / "tests" / "fixtures" / "harbor.yaml"


@cache
def snapshot_from_file(path: Path, tenant_id: str) -> MenuSnapshot:
    entry = next(t for t in read_tenant_file(path).tenants if t.id == tenant_id)
    tenant = TenantInfo(
        id=entry.id,
        name=entry.name,
        timezone=entry.timezone,
        currency=entry.currency,
        sms_number=entry.sms_number,
        slack_team=entry.slack_team,
        slack_default_role=entry.slack_default_role,
        max_price_cents=entry.max_price,
        version=1,
    )
    items = tuple(
        MenuItem(
            id=i + 1,
            name=spec.name,
            category=spec.category,
            price_cents=spec.price,
            available=spec.available,
            aliases=tuple(spec.aliases),
            position=i,
        )
        for i, spec in enumerate(entry.menu)
    )
    weekly = {day: parse_spec(spec) for day, spec in entry.hours.items() if parse_spec(spec)}
    return MenuSnapshot(tenant=tenant, items=items, weekly=weekly, special={}, closures=())


def blue_plate() -> MenuSnapshot:
    return snapshot_from_file(SAMPLE_TENANT, "blue-plate")


def demo_diner() -> MenuSnapshot:
    return snapshot_from_file(DEMO_TENANT, "demo-diner")


def route66() -> MenuSnapshot:
    return snapshot_from_file(ROUTE66_TENANT, "route66")


def harbor() -> MenuSnapshot:
    return snapshot_from_file(HARBOR_TENANT, "harbor")


GRAMMAR_CASES = ROOT / "tests" / "unit" / "grammar_cases"
SAMPLE_MESSAGES = ROOT / "tests" / "fixtures" / "sample-messages.jsonl"
CORPUS_DAY = date(2026, 11, 26)  # a Thursday; every corpus is written for 10:00 local time on this day

# The grammar corpora, each with the menu its texts were written for.
GRAMMAR_CORPORA: dict[Path, Callable[[], MenuSnapshot]] = {
    GRAMMAR_CASES / "blue_plate.jsonl": blue_plate,
    GRAMMAR_CASES / "demo_diner.jsonl": demo_diner,
    GRAMMAR_CASES / "heldout_harbor.jsonl": harbor,
    GRAMMAR_CASES / "heldout_route66.jsonl": route66,
}
# Every owner-text corpus: the grammar corpora and the shared fixture sample (written for blue-plate).
CORPORA: dict[Path, Callable[[], MenuSnapshot]] = {**GRAMMAR_CORPORA, SAMPLE_MESSAGES: blue_plate}


def corpus_now(snapshot: MenuSnapshot) -> datetime:
    """The moment a corpus is read at: 10:00 on CORPUS_DAY in the diner's own time zone."""
    return datetime.combine(CORPUS_DAY, time(10, 0), tzinfo=ZoneInfo(snapshot.tenant.timezone))


def corpus_cases(path: Path) -> list[tuple[int, dict]]:
    """(line number, case) for every non-blank line of a corpus file."""
    lines = path.read_text().splitlines()
    return [(n, json.loads(line)) for n, line in enumerate(lines, 1) if line.strip()]
