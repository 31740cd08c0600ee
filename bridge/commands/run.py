"""``serve``, ``web`` and ``worker``: the long-running processes."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bridge.commands.params import runtime_or_exit, settings_or_exit, start_logging

if TYPE_CHECKING:
    from bridge.rules import Rules

log = logging.getLogger("bridge.startup")


def rules_or_refuse() -> "Rules":
    """Refuse to start, in one line, on rules that do not load or turn the gate off: a
    process that starts on them would fail every job or pass every ticket."""
    from bridge.rules import RulesError, load_rules

    try:
        return load_rules(settings_or_exit().rules_path)
    except RulesError as exc:
        lines = str(exc).splitlines()
        more = f" (and {len(lines) - 1} more: run `gdpr-bridge rules check`)" if len(lines) > 1 else ""
        raise click.ClickException(f"refusing to start: {lines[0]}{more}") from None


def log_startup(process: str, rules: "Rules") -> None:
    """One line that says what this process runs on: mode, rules file and version, data
    folder, configured platforms (and a warning when enforce mode cannot email)."""
    settings = settings_or_exit()
    mode = settings.mode(rules.mode)
    platforms = sorted(name for name, section in settings.platforms.items() if section.configured())
    log.info("gdpr-bridge starting", extra={
        "command": process, "mode": mode, "rules_file": str(Path(rules.source).resolve()),
        "rules_version": rules.version_hash, "data_folder": str(settings.data_dir.resolve()),
        "platforms": ",".join(platforms) or "none configured",
    })
    if mode == "enforce" and settings.mail.smtp_url is None and process != "web":
        log.warning("enforce mode without SMTP_URL: requester notices are written to the outbox folder, not sent",
                    extra={"outbox": str(settings.data_dir.resolve() / "outbox")})


@click.command()
def serve() -> None:
    """Run the web app and a worker in one process (the embedded default)."""
    from bridge.runtime import run_serve

    start_logging()
    log_startup("serve", rules_or_refuse())
    run_serve(runtime_or_exit())


@click.command()
def web() -> None:
    """Run only the web app (webhooks, health, metrics, status page)."""
    from bridge.runtime import run_web

    start_logging()
    log_startup("web", rules_or_refuse())
    run_web(runtime_or_exit())


@click.command()
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker threads or processes (default BRIDGE_WORKERS or 4).")
@click.option("--processes", is_flag=True, help="Use worker processes instead of threads.")
def worker(workers: int | None, processes: bool) -> None:
    """Run only a worker that takes jobs from the queue."""
    from bridge.runtime import run_worker

    start_logging()
    log_startup("worker", rules_or_refuse())
    runtime = runtime_or_exit()
    run_worker(runtime, workers or runtime.settings.jobs.workers, "process" if processes else "thread")
