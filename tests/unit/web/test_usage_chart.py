"""The dashboard's SVG geometry: stacked hit/miss columns per hour, cost bars per diner, and date ranges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from diner_agent.menu.usage.report import UsageBucket, percentile
from diner_agent.web.admin import BadRange, report_range
from diner_agent.web.usage_chart import HEIGHT, calls_chart, cost_chart

DAY = datetime(2026, 11, 26, tzinfo=UTC)


def hours(counts: dict[int, tuple[int, int]]) -> tuple[UsageBucket, ...]:
    return tuple(UsageBucket(DAY + timedelta(hours=h), *counts.get(h, (0, 0))) for h in range(24))


def test_columns_stack_hits_under_misses_and_scale_to_a_round_maximum():
    chart = calls_chart(hours({15: (3, 2), 16: (0, 1)}), "hour")
    by = {(b.key, b.kind): b for b in chart.bars}
    hit, miss = by[("2026-11-26T15:00Z", "hit")], by[("2026-11-26T15:00Z", "miss")]
    assert (hit.value, miss.value) == (3, 2)
    assert miss.y + miss.height == pytest.approx(hit.y)  # misses sit on top of hits
    assert hit.y + hit.height == pytest.approx(HEIGHT - 26)  # on the axis
    assert hit.height + miss.height == pytest.approx(HEIGHT - 36)  # 5 calls: the top of a 0-5 scale
    assert by[("2026-11-26T16:00Z", "miss")].height == pytest.approx((HEIGHT - 36) / 5)
    assert by[("2026-11-26T03:00Z", "hit")].height == 0
    assert [label.text for label in chart.labels if label.text.endswith(":00")][:3] == ["00:00", "02:00", "04:00"]


def test_an_empty_day_still_draws_an_axis():
    chart = calls_chart(hours({}), "hour")
    assert chart.empty and len(chart.bars) == 72 and chart.gridlines  # hit, miss, refused per hour


def test_cost_bars_are_longest_for_the_most_expensive_diner():
    chart = cost_chart({"blue-plate": 0.002, "demo-diner": 0.004, "idle": 0.0})
    bars = {b.key: b for b in chart.bars}
    assert [b.key for b in chart.bars] == ["demo-diner", "blue-plate", "idle"]
    assert bars["blue-plate"].width == pytest.approx(bars["demo-diner"].width / 2)
    assert bars["idle"].width == 0


def test_percentiles_are_observed_values():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50 and percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7 and percentile([], 50) is None
    assert percentile([30.0, 10.0, 20.0], 50) == 20


TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, (TODAY, TODAY)),
        ({"date": "2026-11-20"}, (date(2026, 11, 20), date(2026, 11, 20))),
        ({"from": "2026-11-01", "to": "2026-11-26"}, (date(2026, 11, 1), TODAY)),
        ({"from": "2026-01-01", "to": "2026-04-03"}, (date(2026, 1, 1), date(2026, 4, 3))),  # 93 days
    ],
)
def test_report_ranges(args, expected):
    assert report_range(args, TODAY) == expected


@pytest.mark.parametrize(
    "args",
    [
        {"date": "2026-02-30"},
        {"date": "2026-11-26T00:00"},
        {"to": "2026-11-26"},
        {"from": "2026-11-27", "to": "2026-11-26"},
        {"from": "2026-01-01", "to": "2026-04-04"},
        {"date": "2026-11-26", "to": "2026-11-26"},
    ],
)
def test_bad_report_ranges(args):
    with pytest.raises(BadRange):
        report_range(args, TODAY)


def test_refusals_stack_on_top_apart_from_misses():
    from datetime import UTC, datetime

    from diner_agent.menu.usage.report import UsageBucket
    from diner_agent.web.usage_chart import calls_chart

    chart = calls_chart((UsageBucket(datetime(2026, 11, 26, 15, tzinfo=UTC), 1, 2, 2),), "hour")
    by = {b.kind: b for b in chart.bars}
    assert (by["hit"].value, by["miss"].value, by["refused"].value) == (1, 2, 2)
    assert by["refused"].y + by["refused"].height == by["miss"].y  # refusals sit on top of the misses


def test_dollars_keep_four_significant_digits():
    from diner_agent.web.usage_chart import usd

    assert [usd(v) for v in (0, 1.234567e-05, 0.1234567, 12.3456)] == ["$0", "$0.00001235", "$0.1235", "$12.35"]
