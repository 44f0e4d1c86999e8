"""The `diner-agent` CLI (DESIGN 4.6) on a real SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest
from click.testing import CliRunner

from diner_agent.cli import main
from diner_agent.menu.store import MenuStore
from tests.menus import DEMO_TENANT, SAMPLE_TENANT


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}


def run(env, *args, input=None):
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)


def test_upgrade_load_and_parse_one_text(env):
    assert run(env, "db", "upgrade").exit_code == 0
    loaded = run(env, "tenants", "load", str(SAMPLE_TENANT))
    assert loaded.exit_code == 0 and "created blue-plate" in loaded.output
    out = run(env, "parse", "--tenant", "blue-plate", "--no-llm", "86 the pot roast for good")
    assert out.exit_code == 0
    assert json.loads(out.output) == {
        "text": "86 the pot roast for good",
        "source": "grammar",
        "needs_confirmation": False,
        "commands": [{"action": "toggle_available", "target": "Pot Roast", "value": False, "until": None}],
        "reply": "Pot Roast is now sold out until you text 'pot roast is back'.",
    }
    # A bare 86 follows the diner's rule (next_open): back at the next opening, an instant with its offset.
    bare = json.loads(run(env, "parse", "--tenant", "blue-plate", "--no-llm", "86 the pot roast").output)
    until = datetime.fromisoformat(bare["commands"][0]["until"])
    assert until.utcoffset() is not None and until.strftime("%H:%M") in ("07:00", "08:00")
    assert bare["reply"].endswith("Text 'pot roast is back' sooner.")


def test_parse_reads_one_message_per_line_and_applies_nothing(env):
    run(env, "db", "upgrade")
    run(env, "tenants", "load", str(SAMPLE_TENANT))
    lines = ["coffee 2.75", "the pie is gone", "", "milkshake 6", "what time is it in Paris"]
    out = run(env, "parse", "--tenant", "blue-plate", "--no-llm", input="\n".join(lines) + "\n")
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert rows[0]["commands"][0]["value"] == "2.75"
    assert rows[1]["commands"] == [] and "Which" in rows[1]["reply"]
    assert rows[4]["source"] == "none"
    store = MenuStore.from_url(env["DATABASE_URL"])
    assert store.snapshot("blue-plate").item_named("Coffee").price_cents == 250
    store.close()


def test_bad_tenant_file_fails_with_the_field_named(env, tmp_path):
    run(env, "db", "upgrade")
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEMO_TENANT.read_text().replace('price: "2.50"', 'price: "two fifty"', 1))
    result = CliRunner().invoke(main, ["tenants", "load", str(bad)], env=env)
    assert result.exit_code == 1
    assert "tenant 'demo-diner': menu[0].price" in result.output


def test_token_for_unknown_tenant_is_an_error(env):
    run(env, "db", "upgrade")
    result = CliRunner().invoke(main, ["tenants", "token", "nope"], env=env)
    assert result.exit_code == 1 and "no tenant" in result.output


def test_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "diner_agent.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("serve", "db", "tenants", "parse"):
        assert command in result.stdout


def test_metrics_export_writes_every_call_of_the_day_per_tenant(env, tmp_path):
    from diner_agent.menu.usage.rows import record_call

    run(env, "db", "upgrade")
    run(env, "tenants", "load", str(SAMPLE_TENANT))
    store = MenuStore.from_url(env["DATABASE_URL"])
    base = dict(
        provider="ai-gateway", model="m", cache_hit=False, coalesced=False, rate_limited=False, streamed=False,
        status="ok", fallback_step=0, prompt_tokens=10, completion_tokens=2, cost_usd=0.0001, cost_estimated=True,
        log_id=None, error=None,
    )  # fmt: skip
    calls = [
        ("blue-plate", "2026-11-26T10:00:00+00:00"),
        ("blue-plate", "2026-11-26T23:59:00+00:00"),
        ("demo-diner", "2026-11-26T12:00:00+00:00"),
        ("blue-plate", "2026-11-27T00:01:00+00:00"),  # the next UTC day: not in this export
    ]
    for n, (tenant, at) in enumerate(calls):
        record_call(store, {**base, "tenant": tenant, "at": at, "latency_ms": float(n)})
    store.close()
    out = tmp_path / "export"
    result = run(env, "metrics", "export", "--date", "2026-11-26", "--out", str(out))
    assert result.exit_code == 0
    blue = (out / "ai-metrics" / "2026-11-26" / "blue-plate.jsonl").read_text().splitlines()
    demo = (out / "ai-metrics" / "2026-11-26" / "demo-diner.jsonl").read_text().splitlines()
    assert [json.loads(line)["latency_ms"] for line in blue] == [0.0, 1.0]  # both, in order; not overwritten
    assert len(demo) == 1 and json.loads(demo[0])["tenant"] == "demo-diner"
    again = run(env, "metrics", "export", "--date", "2026-11-26", "--out", str(out))
    assert again.exit_code == 0
    assert (out / "ai-metrics" / "2026-11-26" / "blue-plate.jsonl").read_text().splitlines() == blue  # replaced
    bad = CliRunner().invoke(main, ["metrics", "export", "--date", "26/11", "--out", str(out)], env=env)
    assert bad.exit_code == 2 and "not a date" in bad.output
