"""``serve``, ``web`` and ``worker``: the long-running processes."""

from __future__ import annotations

import click

from bridge.commands.params import runtime_or_exit, start_logging


@click.command()
def serve() -> None:
    """Run the web app and a worker in one process (the embedded default)."""
    from bridge.runtime import run_serve

    start_logging()
    run_serve(runtime_or_exit())


@click.command()
def web() -> None:
    """Run only the web app (webhooks, health, metrics, status page)."""
    from bridge.runtime import run_web

    start_logging()
    run_web(runtime_or_exit())


@click.command()
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker threads or processes (default BRIDGE_WORKERS or 4).")
@click.option("--processes", is_flag=True, help="Use worker processes instead of threads.")
def worker(workers: int | None, processes: bool) -> None:
    """Run only a worker that takes jobs from the queue."""
    from bridge.runtime import run_worker

    start_logging()
    runtime = runtime_or_exit()
    run_worker(runtime, workers or runtime.settings.jobs.workers, "process" if processes else "thread")
