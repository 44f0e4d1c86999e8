"""The `diner-agent` command (DESIGN 4.6): serve, db upgrade, tenants load/token, parse, sms, metrics export,
and prune (docs/operations.md, "Retention")."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import click

from diner_agent.config import Settings, load_settings
from diner_agent.menu.db import upgrade
from diner_agent.menu.errors import UnknownTenant
from diner_agent.menu.store import MenuStore
from diner_agent.menu.tenant_file import TenantFileError, load_tenants, read_tenant_file


def _settings(ctx: click.Context) -> Settings:
    if ctx.obj is None:
        ctx.obj = load_settings()
    return ctx.obj


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="diner-agent")
def main() -> None:
    """Run a diner's menu from a phone."""


@main.command()
@click.option("--port", type=int, default=None, help="Port to listen on (default: $PORT or 8791).")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 (a server listens on all interfaces)
@click.option("--workers", type=int, default=None, help="Worker processes (default: $WEB_CONCURRENCY or 1).")
@click.option("--threads", type=int, default=4, show_default=True)
@click.pass_context
def serve(ctx: click.Context, port: int | None, host: str, workers: int | None, threads: int) -> None:
    """Run the production server (gunicorn), after bringing the database schema up to date."""
    from diner_agent.server import run

    settings = _settings(ctx)
    upgrade(settings.database_url)
    run(settings, host=host, port=port or settings.port, workers=workers or settings.web_concurrency, threads=threads)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the schema to the latest version (safe to run again)."""
    settings = _settings(ctx)
    upgrade(settings.database_url)
    click.echo("database is up to date")


@main.group()
def tenants() -> None:
    """Diners: load them from a file, issue web-chat tokens."""


@tenants.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--reset", is_flag=True, help="Make menus and hours exactly the file's (overwrites owner changes).")
@click.pass_context
def tenants_load(ctx: click.Context, file: str, reset: bool) -> None:
    """Create or update the diners in FILE (DESIGN 4.1); all or nothing."""
    settings = _settings(ctx)
    try:
        parsed = read_tenant_file(file)
    except TenantFileError as exc:
        raise click.ClickException(f"{file} was not loaded:\n  " + "\n  ".join(exc.problems)) from None
    store = MenuStore.from_url(settings.database_url)
    try:
        report = load_tenants(store, parsed, reset=reset)
    except TenantFileError as exc:
        raise click.ClickException(f"{file} was not loaded:\n  " + "\n  ".join(exc.problems)) from None
    finally:
        store.close()
    click.echo(f"loaded {file}: {report.summary()}")


@tenants.command("token")
@click.argument("tenant_id")
@click.option("--name", default="owner", show_default=True, help="The person who will chat with this token.")
@click.option("--role", type=click.Choice(["owner", "staff"]), default="owner", show_default=True,
              help="What the chat may do: owner (everything) or staff (86 / back, read, own undo).")  # fmt: skip
@click.pass_context
def tenants_token(ctx: click.Context, tenant_id: str, name: str, role: str) -> None:
    """Print a new web-chat bearer token for a person at TENANT_ID (that person's previous token stops
    working). Chat changes are audited to that person, with that role's rights."""
    if not name.strip():
        raise click.BadParameter("give the name of the person who holds the token", param_hint="--name")
    store = MenuStore.from_url(_settings(ctx).database_url)
    try:
        click.echo(store.issue_token(tenant_id, name=name, role=role))
    except UnknownTenant:
        raise click.ClickException(f"no tenant {tenant_id!r}; load it first with 'tenants load'") from None
    finally:
        store.close()


@main.command()
@click.option("--tenant", "tenant_id", required=True, help="Tenant id whose menu the text is read against.")
@click.option("--no-llm", is_flag=True, help="Use the grammar only.")
@click.argument("text", required=False)
@click.pass_context
def parse(ctx: click.Context, tenant_id: str, no_llm: bool, text: str | None) -> None:
    """Print what a text means (DESIGN 4.2), one JSON line per message; applies nothing.

    With no TEXT, reads one message per line from standard input.
    """
    from diner_agent.assembly import Assembly

    settings = _settings(ctx)
    parts = Assembly.build(settings, use_llm=not no_llm)
    service = parts.service
    try:
        if parts.store.tenant(tenant_id) is None:
            raise click.ClickException(f"no tenant {tenant_id!r}; load it first with 'tenants load'")
        lines: Iterable[str] = [text] if text is not None else (line.rstrip("\r\n") for line in sys.stdin)
        for line in lines:
            meaning, reply = service.preview(tenant_id, line, use_llm=not no_llm)
            click.echo(json.dumps({**meaning.contract(), "reply": reply}, ensure_ascii=False))
            sys.stdout.flush()
    finally:
        parts.close()


@main.command("sms")
@click.option("--tenant", "tenant_id", required=True, help="Tenant id; the SMS goes to its sms_number.")
@click.option("--from", "sender", required=True, help="Sender phone, e.g. +15555550151.")
@click.option("--url", default=None, help="Server base URL (default: http://localhost:$PORT, i.e. 8791).")
@click.argument("text")
@click.pass_context
def sms(ctx: click.Context, tenant_id: str, sender: str, url: str | None, text: str) -> None:
    """Send TEXT to a running server as a signed Twilio webhook and print the reply."""
    from diner_agent.channels.sms.simulator import SimulatorError, simulate_sms

    settings = _settings(ctx)
    store = MenuStore.from_url(settings.database_url)
    try:
        tenant = store.tenant(tenant_id)
    finally:
        store.close()
    if tenant is None:
        raise click.ClickException(f"No tenant {tenant_id!r} in {settings.database_url}; load it with 'tenants load'.")
    if not tenant.sms_number:
        raise click.ClickException(f"Tenant {tenant_id!r} has no sms_number in its tenant file.")
    try:
        replies = simulate_sms(settings, to=tenant.sms_number, sender=sender, text=text, url=url)
    except SimulatorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(replies) if replies else "(no reply)")


@main.group()
def metrics() -> None:
    """AI usage metrics."""


@metrics.command("export")
@click.option("--date", "day", required=True, help="UTC day to export, YYYY-MM-DD.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
@click.pass_context
def metrics_export(ctx: click.Context, day: str, out_dir: str) -> None:
    """Write OUT/ai-metrics/DATE/TENANT.jsonl: every AI call of that day, one JSON line each."""
    from datetime import date

    from diner_agent.menu.usage.rows import export_day

    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)", param_hint="--date") from None
    store = MenuStore.from_url(_settings(ctx).database_url)
    try:
        written = export_day(store, when, out_dir)
    finally:
        store.close()
    for path in written:
        click.echo(str(path))
    if not written:
        click.echo(f"no AI calls recorded on {when.isoformat()}")


@main.command()
@click.pass_context
def prune(ctx: click.Context) -> None:
    """Delete what retention no longer keeps (PRUNE_* settings; docs/operations.md, "Retention")."""
    from diner_agent.availability import retention
    from diner_agent.clock import SystemClock
    from diner_agent.menu.retention import prune as prune_store

    settings = _settings(ctx)
    store = MenuStore.from_url(settings.database_url)
    try:
        counts = prune_store(store, SystemClock().now(), retention(settings))
    finally:
        store.close()
    for kind, count in counts.items():
        click.echo(f"{kind}: {count} deleted")


if __name__ == "__main__":  # pragma: no cover
    main()
