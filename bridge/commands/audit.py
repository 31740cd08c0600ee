"""``gdpr-bridge audit``: the audit trail (no personal data in it)."""

from __future__ import annotations

import time
from typing import Any

import click

from bridge.commands.params import DURATION, PLATFORM, Duration, data_or_exit, settings_or_exit


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
    from bridge.db import open_database

    settings = settings_or_exit()
    data_or_exit(settings)
    start = time.time() - since.total_seconds()
    log = AuditLog(open_database(settings.state_url))
    click.echo(export(log.records(since=start, platform=platform), fmt), nl=False)


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit chain: each record must carry the hash of the one before."""
    from bridge.audit import AuditLog
    from bridge.db import open_database

    settings = settings_or_exit()
    data_or_exit(settings)
    report = AuditLog(open_database(settings.state_url)).verify()
    if report.ok:
        click.echo(f"audit chain verified: {report.records} record(s), none changed, removed or reordered")
        return
    broken = report.broken
    assert broken is not None
    where = f" ({broken.kind} of {broken.platform} ticket {broken.ticket_id})" if broken.ticket_id else ""
    raise click.ClickException(
        f"audit chain broken at record {broken.seq}{where}: {broken.problem}; the records before it verify"
        " (hint: restore the state database from a backup, or keep this output as evidence)")


@audit.command("attest")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day, e.g. 2026-01-01.")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, e.g. 2026-06-30.")
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", show_default=True,
              help="HTML to print or archive, or JSON for tools.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file (default: stdout).")
def audit_attest(start: Any, end: Any, fmt: str, out: str | None) -> None:
    """The erasure report for the data-protection officer (counts only, no personal data)."""
    from bridge.attest import build_report, remember, render
    from bridge.db import open_database

    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    settings = settings_or_exit()
    db = open_database(settings.state_url)
    report = build_report(db, start.date(), end.date())
    rendered = render(report, fmt)
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            handle.write(rendered)
        click.echo(f"report for {report['period']['from']} to {report['period']['to']} written to {out}"
                   f" (audit chain {'verified' if report['audit_chain']['verified'] else 'BROKEN'})", err=True)
    else:
        click.echo(rendered, nl=False)
    remember(db, report, rendered)
