"""``gdpr-bridge deadletters``: the jobs that kept failing, and queueing them again."""

from __future__ import annotations

import json
import time

import click

from bridge.commands.params import PLATFORM, data_or_exit, runtime_or_exit, settings_or_exit


@click.group()
def deadletters() -> None:
    """Jobs that kept failing, with the reason."""


@deadletters.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
def deadletters_list(as_json: bool) -> None:
    """List the dead jobs: platform, ticket id, attempts, when and why they failed."""
    data_or_exit(settings_or_exit())  # before the runtime, which would create the queue's folder
    jobs = runtime_or_exit().job_store().list("dead")
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
@click.argument("platform", type=PLATFORM, required=False)
@click.argument("ticket_id", required=False)
def deadletters_retry(platform: str | None, ticket_id: str | None) -> None:
    """Queue dead jobs again (all, one platform's, or one ticket)."""
    from bridge import tasks

    count = tasks.retry_dead(runtime_or_exit(), platform, ticket_id)
    if count == 0 and platform is not None:
        which = f"{platform} ticket {ticket_id}" if ticket_id else f"{platform}"
        raise click.ClickException(f"no dead letter for {which}; hint: `gdpr-bridge deadletters list` shows them")
    click.echo(f"{count} job(s) queued again")
