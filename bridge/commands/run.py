"""``serve``, ``web`` and ``worker``: the long-running processes."""

from __future__ import annotations

import click

from bridge.commands.params import settings_or_exit
from bridge.logs import setup_logging


@click.command()
def serve() -> None:
    """Run the web app and a worker in one process (the embedded default)."""
    from bridge.runtime import run_serve

    setup_logging()
    run_serve(settings_or_exit())


@click.command()
def web() -> None:
    """Run only the web app (webhooks, health, metrics, status page)."""
    from bridge.runtime import run_web

    setup_logging()
    run_web(settings_or_exit())


@click.command()
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker threads or processes (default BRIDGE_WORKERS or 4).")
@click.option("--processes", is_flag=True, help="Use worker processes instead of threads.")
def worker(workers: int | None, processes: bool) -> None:
    """Run only a worker that takes jobs from the queue."""
    from bridge.runtime import run_worker

    setup_logging()
    settings = settings_or_exit()
    run_worker(settings, workers or settings.workers, "process" if processes else "thread")
