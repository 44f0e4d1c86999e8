"""Geometry for the dashboard's server-rendered SVG charts: calls per hour (or day), stacked into cache
hits, misses and refusals (rate limit or budget: no model asked), cost per diner, and spend against
budget per diner. The template draws what these return; nothing here writes markup, so every label
still passes through Jinja's escaping. `usd` writes dollars with four significant digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from diner_agent.menu.usage.budgets import BudgetLine
from diner_agent.menu.usage.report import UsageBucket

WIDTH = 720
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 26  # room for the axis labels


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str  # "hit" | "miss" | "refused" | "cost" | "budget" | "spent" | "over": the CSS class
    key: str  # the hour, day or diner the bar is for
    value: float
    title: str  # the tooltip


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    gridlines: tuple[float, ...]  # y positions

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def calls_chart(buckets: tuple[UsageBucket, ...], bucket: str) -> Chart:
    """Stacked columns: cache hits at the bottom, misses on top; one column per hour (or day)."""
    top = _nice_max(max((b.hits + b.misses + b.refused for b in buckets), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(buckets))
    bar_w = max(1.0, slot * 0.72)
    bars: list[Bar] = []
    labels: list[Label] = []
    every = max(1, round(len(buckets) / 12))  # at most about a dozen time labels
    for i, b in enumerate(buckets):
        x = LEFT + i * slot + (slot - bar_w) / 2
        key = b.start.strftime("%Y-%m-%dT%H:00Z") if bucket == "hour" else b.start.date().isoformat()
        hit_h = plot_h * b.hits / top
        miss_h = plot_h * b.misses / top
        base = TOP + plot_h
        bars.append(Bar(x, base - hit_h, bar_w, hit_h, "hit", key, b.hits, f"{key}: {b.hits} cache hits"))
        bars.append(Bar(x, base - hit_h - miss_h, bar_w, miss_h, "miss", key, b.misses, f"{key}: {b.misses} misses"))
        refused_h = plot_h * b.refused / top
        refused_title = f"{key}: {b.refused} refused (rate limit or budget)"
        refused_y = base - hit_h - miss_h - refused_h
        bars.append(Bar(x, refused_y, bar_w, refused_h, "refused", key, b.refused, refused_title))
        if i % every == 0:
            text = b.start.strftime("%H:00") if bucket == "hour" else b.start.strftime("%b %d")
            labels.append(Label(x + bar_w / 2, HEIGHT - 8, text))
    grid, axis = _grid(top, plot_h)
    return Chart(WIDTH, HEIGHT, tuple(bars), tuple(labels + axis), grid)


def cost_chart(costs: dict[str, float], names: dict[str, str] | None = None) -> Chart:
    """Horizontal bars, one per diner (keyed by id, labelled by name), longest for the most expensive."""
    names = names or {}
    row, gap = 22, 8
    name_w = 150
    height = TOP + max(1, len(costs)) * (row + gap) + 4
    plot_w = WIDTH - name_w - 90
    top = max(costs.values(), default=0.0) or 1.0
    bars, labels = [], []
    for i, (tenant, cost) in enumerate(sorted(costs.items(), key=lambda kv: (-kv[1], kv[0]))):
        y = TOP + i * (row + gap)
        width = plot_w * cost / top
        name = names.get(tenant, tenant)
        bars.append(Bar(name_w, y, width, row, "cost", tenant, cost, f"{name}: {usd(cost)}"))
        labels.append(Label(name_w - 8, y + row * 0.7, name, "end"))
        labels.append(Label(name_w + width + 6, y + row * 0.7, usd(cost), "start"))
    return Chart(WIDTH, height, tuple(bars), tuple(labels), ())


def budget_chart(lines: list[BudgetLine]) -> Chart:
    """One bar per diner and budgeted period: the budget as a track, what is spent over it (red past 80 %)."""
    row, gap, name_w = 22, 8, 220
    height = TOP + max(1, len(lines)) * (row + gap) + 4
    plot_w = WIDTH - name_w - 150
    bars, labels = [], []
    for i, line in enumerate(lines):
        y = TOP + i * (row + gap)
        key = f"{line.tenant}:{line.period}"
        title = f"{line.name}: {usd(line.spent_usd)} of {usd(line.budget_usd)} this {line.period}"
        bars.append(Bar(name_w, y, plot_w, row, "budget", key, line.budget_usd, title))
        kind = "over" if line.share >= 0.8 else "spent"
        bars.append(Bar(name_w, y, plot_w * min(1.0, line.share), row, kind, key, line.spent_usd, title))
        labels.append(Label(name_w - 8, y + row * 0.7, f"{line.name} ({line.period})", "end"))
        labels.append(Label(name_w + plot_w + 6, y + row * 0.7, f"{line.share:.0%} of {usd(line.budget_usd)}", "start"))
    return Chart(WIDTH, height, tuple(bars), tuple(labels), ())


def usd(value: float) -> str:
    """Dollars with four significant digits and never fewer than two decimals: $0.00001234, $0.1235,
    $12.35, $0 (never `$0.000000`, which hides that a cheap call cost anything at all)."""
    if not value:
        return "$0"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(2, 3 - magnitude)
    return f"${value:,.{decimals}f}"


def _nice_max(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (at least 1), for round gridlines."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def _grid(top: int, plot_h: float) -> tuple[tuple[float, ...], list[Label]]:
    lines, labels = [], []
    for i in range(5):
        value = top * i / 4
        if value != int(value) and i not in (0, 4):
            continue
        y = TOP + plot_h - plot_h * i / 4
        lines.append(y)
        labels.append(Label(LEFT - 6, y + 4, f"{value:g}", "end"))
    return tuple(lines), labels
