"""The ``gdpr-bridge`` command."""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import timedelta

import click

from bridge.config import ConfigError, load_settings
from bridge.logs import setup_logging

DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str) -> timedelta:
    """``90s``, ``30m``, ``2h``, ``7d``, ``1w``."""
    match = DURATION.match(value)
    if not match:
        raise click.BadParameter(f"{value!r} is not a duration like 30m, 2h or 7d")
    return timedelta(seconds=int(match.group(1)) * UNITS[match.group(2)])


def settings_or_exit():  # type: ignore[no-untyped-def]
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def cli() -> None:
    """gdpr-bridge: a GDPR gate for Zendesk and Jira Service Management tickets."""


@cli.command()
def serve() -> None:
    """Run the web app and a worker in one process (the embedded default)."""
    from bridge.runtime import run_serve

    setup_logging()
    run_serve(settings_or_exit())


@cli.command()
def web() -> None:
    """Run only the web app (webhooks, health, metrics, status page)."""
    from bridge.runtime import run_web

    setup_logging()
    run_web(settings_or_exit())


@cli.command()
@click.option("--workers", "-w", type=int, default=None, help="Worker threads or processes (default BRIDGE_WORKERS or 4).")
@click.option("--processes", is_flag=True, help="Use worker processes instead of threads.")
def worker(workers: int | None, processes: bool) -> None:
    """Run only a worker that takes jobs from the queue."""
    from bridge.runtime import run_worker

    setup_logging()
    settings = settings_or_exit()
    run_worker(settings, workers or settings.workers, "process" if processes else "thread")


@cli.command()
@click.argument("platform")
@click.option("--since", default="2h", show_default=True, help="Window to look back, e.g. 30m, 2h, 1d.")
def sweep(platform: str, since: str) -> None:
    """Queue tickets created in the window that the bridge has no record of (lost webhooks)."""
    from tqdm import tqdm

    from bridge import tasks

    setup_logging()
    window = parse_duration(since)
    with tqdm(desc=f"sweep {platform}", unit=" tickets", file=sys.stderr, disable=None) as progress:
        seen, queued = tasks.sweep(platform, window, progress)
    click.echo(f"{platform}: {seen} tickets created in the last {since}, {queued} queued (no audit record)")


@cli.group()
def deadletters() -> None:
    """Jobs that kept failing, with the reason."""


@deadletters.command("list")
@click.option("--json", "as_json", is_flag=True)
def deadletters_list(as_json: bool) -> None:
    from bridge import tasks

    jobs = tasks.job_store().list("dead")
    if as_json:
        click.echo(json.dumps([{"platform": j.platform, "ticket_id": j.ticket_id, "attempts": j.attempts,
                                "failed_at": j.updated_at, "reason": j.last_error} for j in jobs]))
        return
    if not jobs:
        click.echo("no dead letters")
    for j in jobs:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(j.updated_at))
        click.echo(f"{j.platform} {j.ticket_id}  attempts={j.attempts}  failed={when}Z  reason: {j.last_error}")


@deadletters.command("retry")
@click.argument("platform", required=False)
@click.argument("ticket_id", required=False)
def deadletters_retry(platform: str | None, ticket_id: str | None) -> None:
    """Queue dead jobs again (all, one platform's, or one ticket)."""
    from bridge import tasks

    count = tasks.retry_dead(platform, ticket_id)
    click.echo(f"{count} job(s) queued again")


@cli.group()
def audit() -> None:
    """The audit trail (no personal data in it)."""


@audit.command("export")
@click.option("--since", default="30d", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("--platform", default=None)
def audit_export(since: str, fmt: str, platform: str | None) -> None:
    from bridge.audit import AuditLog, export
    from bridge.db import state_database

    settings = settings_or_exit()
    start = time.time() - parse_duration(since).total_seconds()
    log = AuditLog(state_database(settings))
    click.echo(export(log.records(since=start, platform=platform), fmt), nl=False)


def _register_optional_commands() -> None:
    """Commands that live in their own modules."""
    from bridge.commands.admin import doctor, install, report

    cli.add_command(install)
    cli.add_command(doctor)
    cli.add_command(report)
    try:
        from bridge.commands.detection import eval_corpus, rules_group, scan
    except ImportError:
        return
    cli.add_command(scan)
    cli.add_command(eval_corpus, name="eval")
    cli.add_command(rules_group, name="rules")


_register_optional_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
