"""Run every benchmark in bench/ and print one table of measured figures beside their targets.

    make bench            (or: .venv/bin/python bench/run.py [--json] [--quick])

- parse: owner texts per second and p99 through the grammar and item resolution (bench/parse.py);
- SMS webhook: signed POST /sms p50/p99 and requests/s beside a bare route, one client (bench/webhook.py);
- load: wrk against the Procfile web process, 2 workers (bench/load.py; needs wrk, skipped without it);
- gateway: overhead on a miss, cache-hit latency, coalescing, and cached vs uncached with an 800 ms
  upstream (bench/gateway.py);
- web chat: `/v1/chat/completions` misses and hits beside the fake upstream's own p50 (bench/chat.py);
- LLM calls per 100 owner texts: how many texts of the corpora the grammar leaves for a model.
Figures are measured in this run, on this machine; nothing is copied from earlier runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import parse as parse_bench  # noqa: E402

from diner_agent.commands.understand import understand  # noqa: E402
from tests.menus import DEMO_TENANT, HARBOR_TENANT, ROUTE66_TENANT, SAMPLE_TENANT, snapshot_from_file  # noqa: E402

CORPORA = {
    "blue_plate": (SAMPLE_TENANT, "blue-plate"),
    "demo_diner": (DEMO_TENANT, "demo-diner"),
    "heldout_route66": (ROUTE66_TENANT, "route66"),
    "heldout_harbor": (HARBOR_TENANT, "harbor"),
}


def script(name: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), *args, "--json"], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def llm_calls_per_100() -> dict:
    """Texts an owner sends that the grammar cannot read at all, so an LLM would be asked."""
    total = asked = 0
    per_corpus = {}
    for stem, (path, tenant) in CORPORA.items():
        snapshot = snapshot_from_file(path, tenant)
        now = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo(snapshot.tenant.timezone))
        corpus = (ROOT / "tests" / "unit" / "grammar_cases" / f"{stem}.jsonl").read_text().splitlines()
        lines = [json.loads(line)["text"] for line in corpus if line.strip()]
        needs = sum(1 for text in lines if understand(text, snapshot, now).model_may_help)
        per_corpus[stem] = round(100 * needs / len(lines), 1)
        total += len(lines)
        asked += needs
    return {"texts": total, "llm_calls_per_100": round(100 * asked / total, 1), "per_corpus": per_corpus}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run, noisier figures)")
    args = parser.parse_args()
    n = 500 if args.quick else 2000

    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()}}
    results["parse"] = parse_bench.run(20_000 if args.quick else 100_000)
    results["webhook"] = script("webhook.py", "--requests", str(n), "--concurrency", "1")
    results["gateway"] = script("gateway.py")
    results["chat"] = script("chat.py", "--requests", str(n // 4))
    results["llm"] = llm_calls_per_100()
    if shutil.which("wrk"):
        results["load"] = script("load.py", "--workers", "2", "--diners", "1", "--seconds", "5" if args.quick else "10")
    if args.json:
        print(json.dumps(results))
        return

    p, w, g, llm, c = results["parse"], results["webhook"], results["gateway"], results["llm"], results["chat"]
    slow = g["slow_upstream"]
    rows = [
        ("parse: messages/s (1 core)", f"{p['messages_per_s']:,}", ">= 20,000", p["messages_per_s"] >= 20_000),
        ("parse: p99", f"{p['p99_ms']:.3f} ms", "<= 1 ms", p["p99_ms"] <= 1.0),
        ("SMS webhook p50 / p99", f"{w['sms']['p50_ms']:.2f} / {w['sms']['p99_ms']:.2f} ms", "p50 <= 5 ms",
         w["sms"]["p50_ms"] <= 5),
        ("bare route p50 / p99", f"{w['bare']['p50_ms']:.2f} / {w['bare']['p99_ms']:.2f} ms", "", None),
        ("SMS p50 / bare p50", f"{w['p50_ratio']}x", "<= 3x", w["p50_ratio"] <= 3),
        ("SMS req/s (1 client)", f"{w['sms']['requests_per_s']:.0f}", "", None),
        ("gateway miss overhead p50", f"{g['overhead_memory']['overhead_p50_ms']:.3f} ms", "<= 1 ms",
         g["overhead_memory"]["overhead_p50_ms"] <= 1),
        ("gateway cache hit p50", f"{g['cache_hit_memory']['p50_ms']:.3f} ms", "<= 0.5 ms",
         g["cache_hit_memory"]["p50_ms"] <= 0.5),
        ("gateway: what a budget adds to a miss p50", f"{g['budget_adds_p50_ms_memory']:.3f} ms", "<= 0.2 ms",
         g["budget_adds_p50_ms_memory"] <= 0.2),
        ("/v1 miss overhead p50 (miss - upstream)", f"{c['miss_overhead_p50_ms']:.2f} ms", "<= 2 ms",
         c["miss_overhead_p50_ms"] <= 2),
        ("/v1 cache hit p50", f"{c['hit']['p50_ms']:.2f} ms", "<= 1 ms", c["hit"]["p50_ms"] <= 1),
        ("coalescing: upstream calls for 50 identical", str(g["coalescing"]["upstream_calls"]), "1",
         g["coalescing"]["upstream_calls"] == 1),
        ("LLM path, 800 ms upstream: uncached / cached", f"{slow['uncached_ms']:.0f} / {slow['cached_p50_ms']:.3f} ms",
         "cached <= 1% of uncached", slow["cached_p50_ms"] <= 0.01 * slow["uncached_ms"]),
        ("LLM calls per 100 owner texts", f"{llm['llm_calls_per_100']} (of {llm['texts']} texts)", "<= 5",
         llm["llm_calls_per_100"] <= 5),
    ]  # fmt: skip
    if "load" in results:
        for row in results["load"]["rows"]:
            label = f"load: {row['database']}, {row['workers']} workers, wrk"
            sms, bare = row["sms"], row["bare"]
            rows.append((label + " SMS/s", f"{sms['requests_per_s']:.0f} (errors {sms['errors']})", ">= 1,000",
                         sms["requests_per_s"] >= 1000 and sms["errors"] == 0))  # fmt: skip
            rows.append((label + " bare req/s", f"{bare['requests_per_s']:.0f}", "", None))
    print(f"machine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']}, {platform.platform()}")
    width = max(len(r[0]) for r in rows)
    for label, value, target, met in rows:
        mark = "" if met is None else ("met" if met else "NOT met")
        print(f"{label:{width}s}  {value:>26s}  {target:>24s}  {mark}")


if __name__ == "__main__":
    main()
