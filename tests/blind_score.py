"""Score an owner-text corpus in process, with the comparison rules of ../shared/tools/score_corpus.py.

That tool runs `diner-agent parse --no-llm` over a fresh database (slow, one process per run); this one
calls the same preview the CLI prints, on a snapshot built from the tenant file, so a corpus of 300
texts scores in a second. The figures are the tool's: correct without asking, right or rightly asked,
wrong applied. Run: .venv/bin/python -m tests.blind_score tests/unit/blind/r1_sms [--show]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.machinery
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from diner_agent.commands.preview import preview
from tests.menus import snapshot_from_file

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
READ_ONLY = {"help", "show_menu", "show_hours"}


@dataclass
class Score:
    n: int = 0
    auto: int = 0
    confirm: int = 0
    asked_ok: int = 0
    deferred: int = 0
    wrong_auto: int = 0
    wrong_confirm: int = 0
    misses: list[tuple[str, str, list, str]] = field(default_factory=list)

    @property
    def auto_rate(self) -> float:
        return self.auto / max(self.n, 1)

    @property
    def right_rate(self) -> float:
        return (self.auto + self.confirm + self.asked_ok) / max(self.n, 1)

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.auto}/{self.n} correct without asking ({self.auto_rate:.0%}); right or rightly asked "
            f"{self.right_rate:.0%}; {self.confirm} correct after asking; {self.deferred} not applied "
            f"({self.asked_ok} where asking was fine); wrong applied {self.wrong_auto}; "
            f"wrong asked {self.wrong_confirm}"
        )


def corpus_at(folder: Path):  # type: ignore[no-untyped-def]
    """The corpus module, the tenant's snapshot and the moment its README says to score at."""
    # Kept as corpus.py.txt: the writers' file verbatim, outside the linters and the module size rule.
    loader = importlib.machinery.SourceFileLoader(f"corpus_{folder.name}", str(folder / "corpus.py.txt"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    tenant = yaml.safe_load((folder / "tenant.yaml").read_text())["tenants"][0]
    snapshot = snapshot_from_file(folder / "tenant.yaml", tenant["id"])
    at = re.search(r'AT = "([^"]+)"', (folder / "README.md").read_text()).group(1)  # type: ignore[union-attr]
    now = dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tenant["timezone"]))
    return module, snapshot, now


def _day(d: str, today: dt.date) -> str:
    if d.startswith("@md:"):
        m, day = map(int, d[4:].split("-"))
        cand = dt.date(today.year, m, day)
        return (cand if cand >= today else dt.date(today.year + 1, m, day)).isoformat()
    if d.startswith("@next:"):
        return (today + dt.timedelta(days=(WEEKDAYS.index(d[6:]) - today.weekday()) % 7)).isoformat()
    if d == "@today":
        return today.isoformat()
    if d == "@tomorrow":
        return (today + dt.timedelta(days=1)).isoformat()
    return d


def _norm(c: dict, today: dt.date) -> dict:
    c = dict(c)
    if c.get("action") == "change_hours":
        c["target"] = sorted(_day(d, today) for d in (c.get("target") or []))
    if c.get("action") == "update_price" and c.get("value") is not None:
        try:
            c["value"] = f"{float(c['value']):.2f}"
        except (TypeError, ValueError):
            pass
    return c


def _until_ok(expected, got, today, tz, now) -> bool:  # type: ignore[no-untyped-def]
    if expected == "@any":
        return True
    if expected is None:
        return got is None
    if got is None:
        return False
    day, hm = expected.split()
    want = dt.datetime.combine(dt.date.fromisoformat(_day(day, today)), dt.time.fromisoformat(hm), tz)
    wants = [want, want + dt.timedelta(days=1)] if day == "@today" and want <= now else [want]
    have = dt.datetime.fromisoformat(got)
    have = have if have.tzinfo else have.replace(tzinfo=tz)
    return any(abs((have - w).total_seconds()) < 60 for w in wants)


def same(exp: list, got: list, today: dt.date, tz: ZoneInfo, now: dt.datetime) -> bool:
    if len(exp) != len(got):
        return False
    exp = [_norm(c, today) for c in exp]
    got = [_norm(c, today) for c in got]
    used: set[int] = set()
    for e in exp:
        for i, g in enumerate(got):
            if i in used or g.get("action") != e["action"]:
                continue
            if e["action"] == "close_emergency":
                until = g["value"].get("until") if isinstance(g.get("value"), dict) else None
                ok = isinstance(g.get("value"), dict) and _until_ok(e["value"]["until"], until, today, tz, now)
            else:
                ok = g.get("target") == e["target"] and g.get("value") == e["value"]
            if ok:
                used.add(i)
                break
        else:
            return False
    return True


def score(folder: Path) -> Score:
    module, snapshot, now = corpus_at(folder)
    tz, today, result = now.tzinfo, now.date(), Score()
    for text, expect in module.CASES:
        meaning, reply = preview(text, snapshot, now, reader=None, menu_link=None)
        out = {**meaning.contract(), "reply": reply}
        cmds = [c for c in out["commands"] if c.get("action") not in READ_ONLY]
        alts = list(expect) if type(expect).__name__ == "Any" else [expect]
        if not cmds:
            verdict = "deferred"
        elif any(x is not None and same(x, cmds, today, tz, now) for x in alts):
            verdict = "correct_confirm" if out["needs_confirmation"] else "correct_auto"
        else:
            verdict = "wrong_confirm" if out["needs_confirmation"] else "wrong_auto"
        wants_action = any(x is not None for x in alts)
        if wants_action:
            result.n += 1
            result.auto += verdict == "correct_auto"
            result.confirm += verdict == "correct_confirm"
            result.deferred += verdict == "deferred"
            result.asked_ok += verdict == "deferred" and None in alts
        result.wrong_auto += verdict == "wrong_auto"
        result.wrong_confirm += verdict == "wrong_confirm"
        fine = (
            verdict == "correct_auto"
            or (not wants_action and verdict in ("deferred", "wrong_confirm"))
            or (verdict == "deferred" and None in alts)
        )
        if not fine:
            result.misses.append((verdict, text, cmds, str(reply)))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    for folder in args.folders:
        found = score(folder)
        if args.show:
            for verdict, text, cmds, reply in found.misses:
                print(f"{verdict:15s} {text[:90]!r} -> {str(cmds)[:150]} | {reply[:90]}")
        print(found.line(folder.name))
