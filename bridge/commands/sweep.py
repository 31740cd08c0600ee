"""``gdpr-bridge sweep PLATFORM``: queue the tickets whose webhook was lost."""

from __future__ import annotations

import sys

import click

from bridge.commands.params import DURATION, PLATFORM, Duration, runtime_or_exit, start_logging


@click.command()
@click.argument("platform", type=PLATFORM)
@click.option("--since", type=DURATION, default="2h", show_default=True, help="Window to look back, e.g. 30m, 2h, 1d.")
def sweep(platform: str, since: Duration) -> None:
    """Queue tickets created in the window that the bridge has no record of (lost webhooks)."""
    from tqdm import tqdm

    from bridge import tasks

    start_logging()
    runtime = runtime_or_exit()
    with tqdm(desc=f"sweep {platform}", unit=" tickets", file=sys.stderr, disable=None) as progress:
        seen, queued = tasks.sweep(runtime, platform, since, progress)
    click.echo(f"{platform}: {seen} tickets created in the last {since}, {queued} queued (no audit record)")
