"""``serve``, ``web`` and ``worker``: the long-running processes."""

from __future__ import annotations

import click

from bridge.commands.params import runtime_or_exit, settings_or_exit, start_logging


def rules_or_refuse() -> None:
    """Refuse to start, in one line, on rules that do not load or turn the gate off: a
    process that starts on them would fail every job or pass every ticket."""
    from bridge.rules import RulesError, load_rules

    try:
        load_rules(settings_or_exit().rules_path)
    except RulesError as exc:
        lines = str(exc).splitlines()
        more = f" (and {len(lines) - 1} more: run `gdpr-bridge rules check`)" if len(lines) > 1 else ""
        raise click.ClickException(f"refusing to start: {lines[0]}{more}") from None


@click.command()
def serve() -> None:
    """Run the web app and a worker in one process (the embedded default)."""
    from bridge.runtime import run_serve

    start_logging()
    rules_or_refuse()
    run_serve(runtime_or_exit())


@click.command()
def web() -> None:
    """Run only the web app (webhooks, health, metrics, status page)."""
    from bridge.runtime import run_web

    start_logging()
    rules_or_refuse()
    run_web(runtime_or_exit())


@click.command()
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker threads or processes (default BRIDGE_WORKERS or 4).")
@click.option("--processes", is_flag=True, help="Use worker processes instead of threads.")
def worker(workers: int | None, processes: bool) -> None:
    """Run only a worker that takes jobs from the queue."""
    from bridge.runtime import run_worker

    start_logging()
    rules_or_refuse()
    runtime = runtime_or_exit()
    run_worker(runtime, workers or runtime.settings.jobs.workers, "process" if processes else "thread")
