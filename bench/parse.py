"""Benchmark: owner texts read per second through the grammar and item resolution (not a test).

The corpus is every text of tests/unit/grammar_cases/*.jsonl and the shared samples, read against the
menus they were written for, in a shuffled order, repeated until --messages texts were read. Each
message is timed on its own (perf_counter_ns) for p50/p99; throughput is the whole run's count over
its wall time. Run: .venv/bin/python bench/parse.py [--messages 100000] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diner_agent.commands.understand import understand  # noqa: E402
from tests.menus import DEMO_TENANT, SAMPLE_TENANT, snapshot_from_file  # noqa: E402

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("America/New_York"))
TARGETS = {"messages_per_s": 20_000, "p99_ms": 1.0}


def corpus() -> list[tuple[str, object]]:
    cases_dir = ROOT / "tests" / "unit" / "grammar_cases"
    menus = {
        "blue_plate": snapshot_from_file(SAMPLE_TENANT, "blue-plate"),
        "demo_diner": snapshot_from_file(DEMO_TENANT, "demo-diner"),
    }
    for stem, tenant in (("route66", "route66"), ("harbor", "harbor")):
        extra = ROOT / "tests" / "fixtures" / f"{stem}.yaml"
        if extra.exists():
            menus[f"heldout_{stem}"] = snapshot_from_file(extra, tenant)
    texts = []
    for path in sorted(cases_dir.glob("*.jsonl")):
        snapshot = menus.get(path.stem)
        if snapshot is None:
            continue
        texts += [(json.loads(line)["text"], snapshot) for line in path.read_text().splitlines() if line.strip()]
    samples = ROOT / "tests" / "fixtures" / "sample-messages.jsonl"
    texts += [(json.loads(line)["text"], menus["blue_plate"]) for line in samples.read_text().splitlines()]
    return texts


def run(messages: int) -> dict:
    texts = corpus()
    random.Random(7).shuffle(texts)
    for text, snapshot in texts:  # warm the per-menu resolver caches, as a running server has them
        understand(text, snapshot, NOW)
    durations = []
    clock = time.perf_counter_ns
    start = clock()
    for i in range(messages):
        text, snapshot = texts[i % len(texts)]
        t0 = clock()
        understand(text, snapshot, NOW)
        durations.append(clock() - t0)
    wall = (clock() - start) / 1e9
    durations.sort()
    result = {
        "corpus_texts": len(texts),
        "messages": messages,
        "messages_per_s": round(messages / wall),
        "p50_ms": round(durations[len(durations) // 2] / 1e6, 4),
        "p99_ms": round(durations[int(len(durations) * 0.99)] / 1e6, 4),
        "max_ms": round(durations[-1] / 1e6, 3),
        "mean_ms": round(statistics.fmean(durations) / 1e6, 4),
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
    }
    result["meets_targets"] = result["messages_per_s"] >= TARGETS["messages_per_s"] and result["p99_ms"] <= 1.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.messages)
    if args.json:
        print(json.dumps(result))
        return
    print(f"parse: {result['messages']} messages over {result['corpus_texts']} distinct texts (one core)")
    print(f"  throughput  {result['messages_per_s']:>10,} messages/s   (target >= {TARGETS['messages_per_s']:,})")
    print(f"  p50         {result['p50_ms']:>10.4f} ms")
    print(f"  p99         {result['p99_ms']:>10.4f} ms           (target <= 1 ms)")
    print(f"  max         {result['max_ms']:>10.3f} ms")


if __name__ == "__main__":
    main()
