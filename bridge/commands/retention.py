"""``gdpr-bridge retention run [--dry-run] [--platform P] [--yes]``: enforce the ``retention:``
rules of rules.yaml now (the worker also does it periodically, BRIDGE_RETENTION_INTERVAL_HOURS).

In monitor mode, or with ``--dry-run``, it lists what the rules would delete and deletes
nothing. In enforce mode it finds every expired ticket first, says how many, asks (unless
``--yes``), then deletes them for good in batches; a run stopped at any point (even SIGKILL)
is resumed by running the command again: nothing is deleted twice, nothing is skipped.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from bridge.commands.params import PLATFORM, settings_or_exit, start_logging


@click.group()
def retention() -> None:
    """Delete tickets past the keeping period of the retention rules (rules.yaml)."""


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _bar(desc: str, total: int | None = None) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=" tickets", file=sys.stderr, disable=None)


def _describe(rule: Any, cutoff: Any) -> str:
    what = {"updated": "last updated", "solved": "solved", "created": "created"}[rule.based_on]
    return f"{what} before {cutoff:%Y-%m-%d %H:%M} UTC"


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="List what the rules would delete; delete nothing.")
@click.option("--platform", "only", type=PLATFORM, default=None, help="Only this platform's rules.")
@click.option("--yes", is_flag=True, help="Do not ask before deleting.")
def run(dry_run: bool, only: str | None, yes: bool) -> None:
    """Enforce the retention rules now: find the expired tickets, then delete them for good
    (monitor mode or --dry-run: list them only). Run it again after a stop: it resumes."""
    from bridge.platform import PlatformError
    from bridge.retention.service import build
    from bridge.rules import RulesError

    start_logging()
    settings = settings_or_exit()
    try:
        services = build(settings, only)
    except RulesError as exc:
        _fail(f"{exc} (fix the rules file; `gdpr-bridge rules check` shows every problem)")
    for line in services.problems:
        click.echo(f"warning: {line}", err=True)
    known = {(r.platform, r.name) for r in services.rules.retention}
    for platform, name, in_flight in services.store.runs():
        if (platform, name) not in known:
            click.echo(f"warning: a stopped run of retention rule {name!r} on {platform} is left as it was: the rule "
                       "is no longer in the rules file" + (" and a batch was being deleted" if in_flight else "")
                       + "; put the rule back and run again to finish it", err=True)
    rules = services.applicable()
    if not rules:
        where = f" for {only}" if only else ""
        if services.rules.retention and services.problems:
            _fail("no retention rule can run: " + "; ".join(services.problems))
        click.echo(f"No retention rules{where}: add them under `retention:` in the rules file (docs/retention.md).")
        return
    try:
        if dry_run or services.mode != "enforce":
            _report(services, rules, dry_run)
        else:
            _enforce(services, rules, yes, settings)
    except PlatformError as exc:
        _fail(f"retention stopped: {exc} — run the same command again to resume (nothing is deleted twice)")
    finally:
        services.close()


def _report(services: Any, rules: list[Any], dry_run: bool) -> None:
    from bridge.retention.runner import report
    from bridge.subject.archive import iso

    total = 0
    for rule in rules:
        with _bar(f"find {rule.platform}/{rule.name}") as bar:
            outcome = report(services.platforms[rule.platform], rule, advance=bar.update)
        for ticket in outcome.expired:
            click.echo(f"  {rule.platform:<10} {ticket.id:<14} {rule.name:<24} {iso(ticket.date) or '-'}")
        click.echo(f"{rule.platform}/{rule.name}: {outcome.found} ticket(s) {_describe(rule, outcome.cutoff)} "
                   "would be deleted for good")
        total += outcome.found
    if dry_run:
        click.echo(f"Dry run: nothing deleted ({total} ticket(s) would be).")
    else:
        click.echo(f"Monitor mode: nothing deleted ({total} ticket(s) would be); set BRIDGE_MODE=enforce "
                   "(or mode: enforce in the rules) to delete them.")


def _enforce(services: Any, rules: list[Any], yes: bool, settings: Any) -> None:
    from bridge.retention.lock import LockBusy, RunLock
    from bridge.retention.runner import Enforcer

    lock = RunLock(services.db, settings.jobs.lease_seconds, settings.jobs.host_id)
    try:
        lock.acquire()
    except LockBusy as exc:
        _fail(f"{exc}: wait for it to finish (a run whose process died is taken over after "
              f"BRIDGE_LEASE_SECONDS, at once on the same host)")
    try:
        plans = []
        for rule in rules:
            enforcer = Enforcer(services.platforms[rule.platform], services.store, services.audit)
            state, outcome = enforcer.prepare(rule)
            with _bar(f"find {rule.platform}/{rule.name}") as bar:
                left = enforcer.collect(rule, state, outcome, bar.update)
            resumed = " (resuming a stopped run)" if outcome.resumed else ""
            click.echo(f"{rule.platform}/{rule.name}: {left} ticket(s) {_describe(rule, state.cutoff_time)} "
                       f"to delete{resumed}")
            plans.append((enforcer, rule, state, outcome, left))
        total = sum(p[4] for p in plans)
        if total and not yes and not click.confirm(f"Delete {total} ticket(s) for good? This cannot be undone",
                                                   default=False):
            _fail("nothing deleted (the tickets found are kept for the next run)")
        failed = 0
        with _bar("delete", total) as bar:
            for enforcer, rule, state, outcome, _left in plans:
                enforcer.delete(rule, state, outcome, bar.update)
                failed += outcome.failed
        for _enforcer, rule, _state, outcome, _left in plans:
            click.echo(f"{rule.platform}/{rule.name}: {outcome.deleted} deleted for good, {outcome.spared} spared "
                       f"(not expired or in scope any more when checked again), {outcome.failed} failed")
            for line in outcome.failures:
                click.echo(f"  failed: {line}")
        if failed:
            _fail(f"{failed} ticket(s) could not be deleted: the next run tries them again")
    finally:
        lock.release()
