"""``gdpr-bridge audit``: the audit trail (no personal data in it)."""

from __future__ import annotations

import time

import click

from bridge.commands.params import DURATION, PLATFORM, Duration, settings_or_exit


@click.group()
def audit() -> None:
    """The audit trail (no personal data in it)."""


@audit.command("export")
@click.option("--since", type=DURATION, default="30d", show_default=True, help="Window to look back, e.g. 7d, 4w.")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True,
              help="One JSON object per line, or CSV with a header row.")
@click.option("--platform", type=PLATFORM, default=None, help="Only this platform's tickets.")
def audit_export(since: Duration, fmt: str, platform: str | None) -> None:
    """Write the audit records of the window to stdout."""
    from bridge.audit import AuditLog, export
    from bridge.db import Database

    settings = settings_or_exit()
    start = time.time() - since.total_seconds()
    log = AuditLog(Database(settings.state_db))
    click.echo(export(log.records(since=start, platform=platform), fmt), nl=False)
