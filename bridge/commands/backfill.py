"""``gdpr-bridge backfill PLATFORM --since 2y``: the tickets created before the bridge was installed.

Monitor by default: the workers decide and record each ticket and change nothing, whatever
mode they run in. ``--enforce`` (asked for on the command line, confirmed unless ``--yes``)
has them act: email and delete, or tag for review, as the rules say. See ``bridge.backfill``.
"""

from __future__ import annotations

import re
import sys
import time
from datetime import datetime, timezone
from typing import Any

import click

from bridge.commands.params import PLATFORM, parse_duration, runtime_or_exit, settings_or_exit

_YEARS = re.compile(r"^\s*(\d+)\s*y\s*$")


class PointInTime(click.ParamType):  # type: ignore[type-arg]
    """A time: so long ago (``90d``, ``12w``, ``2y``) or a date (``2024-01-31``, ISO 8601 UTC)."""

    name = "when"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[float, str]:
        if isinstance(value, tuple):
            return value
        text = str(value).strip()
        now = time.time()
        if match := _YEARS.match(text):
            return now - int(match.group(1)) * 365 * 86400, f"{match.group(1)}y"
        try:
            ago = parse_duration(text)
            return now - ago.total_seconds(), str(ago)
        except click.BadParameter:
            pass
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{text!r} is not a time like 2y, 90d, 12w or a date like 2024-01-31", param, ctx)
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        if when.timestamp() > now:
            self.fail(f"{text!r} is in the future; give a past date, or a time ago like 90d", param, ctx)
        return when.timestamp(), text


WHEN = PointInTime()


@click.command()
@click.argument("platform", type=PLATFORM)
@click.option("--since", type=WHEN, required=True,
              help="Tickets created after this: so long ago (2y, 90d, 12w) or a date (2024-01-31, UTC).")
@click.option("--until", type=WHEN, default=None,
              help="…and before this (same forms); default: now, when the backfill starts.")
@click.option("--dry-run", is_flag=True, help="List the window and count what would be queued; queue nothing.")
@click.option("--enforce", is_flag=True,
              help="Act on the tickets (email and delete, or tag for review, as the rules say). Without it the "
                   "workers only decide and record them (monitor), whatever mode they run in.")
@click.option("--yes", is_flag=True, help="Do not ask before an --enforce backfill.")
@click.option("--max-queue", type=click.IntRange(min=1), default=200, show_default=True,
              help="Queue no more while this many jobs wait in the queue (bounds the queue's memory).")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="After queueing, wait until the workers have decided every queued ticket.")
@click.option("--restart", is_flag=True,
              help="Forget an unfinished or finished backfill of this platform and list the window from its start "
                   "(tickets already decided are still not queued again).")
def backfill(platform: str, since: tuple[float, str], until: tuple[float, str] | None, dry_run: bool, enforce: bool,
             yes: bool, max_queue: int, wait: bool, restart: bool) -> None:
    """Queue the tickets created in a window before the bridge was installed, for every worker to decide.

    Monitor by default: decided and recorded, nothing changed on the helpdesk (see them with
    `gdpr-bridge report`). Resumable: run the same command again after an interruption and it
    goes on from the page it was on; tickets already decided (by a webhook, the sweep or an
    earlier run) are never queued again. The workers must be running.
    """
    from bridge.backfill import Backfill, Pace, Plan, cursor_name, dry_run as count_only, requests_per_ticket
    from bridge.cursors import CursorStore
    from bridge.db import DatabaseError
    from bridge.ratebudget import SAFETY, Budgets
    from bridge.rules import RulesError, load_rules

    mode = "enforce" if enforce else "monitor"
    until = until or (time.time(), "now")
    if until[0] <= since[0]:
        raise click.BadParameter(f"--until {until[1]} is not after --since {since[1]}", param_hint="--until")
    section = settings_or_exit().platforms.get(platform)
    if section is not None and not section.configured():  # before anything is created in the data folder
        raise click.ClickException(f"{platform} is not configured here; hint: set its variables (README, "
                                   "Configuration); `gdpr-bridge doctor` checks them")
    runtime = runtime_or_exit()
    settings = runtime.settings
    try:
        rules = load_rules(settings.rules_path)
        db = runtime.database()
    except RulesError as exc:
        raise click.ClickException(f"{exc}; hint: `gdpr-bridge rules check` names the line at fault") from None
    except DatabaseError as exc:
        raise click.ClickException(f"{exc}; hint: check BRIDGE_DATABASE_URL (`gdpr-bridge doctor`)") from None
    limit = rules.rate_limits.get(platform)
    budgets = Budgets(settings.queue_url, settings.data_dir, settings.queue.name, dict(rules.rate_limits))
    from bridge.platform import get_platform

    client = get_platform(platform, settings.platform_environ(platform), budgets.factory(platform))
    per_minute = limit.requests_per_minute * SAFETY if limit is not None else None
    pace = Pace(requests_per_ticket(client), per_minute)
    cursors = CursorStore(db)
    stored = Plan.loads(cursors.get(cursor_name(platform)) or "")
    fresh = Plan(platform, mode, since[0], until[0], since[1], until[1], started=time.time())

    if dry_run:
        plan = stored if stored and not restart and stored.finished is None and stored.same_request(
            mode, since[1], until[1]) else fresh
        _dry_run(count_only, db, client, plan, pace)
        return
    if stored is not None and not restart:
        if stored.finished is None and not stored.same_request(mode, since[1], until[1]):
            raise click.ClickException(
                f"an unfinished {stored.mode} backfill of {platform} (--since {stored.since_text}, --until "
                f"{stored.until_text}) is under way; hint: run it again with those options to finish it, or add "
                "--restart to start this one instead")
        if stored.finished is not None and stored.same_request(mode, since[1], until[1]):
            click.echo(f"{platform}: this backfill ({stored.window()}, {stored.mode}) finished listing on "
                       f"{_when(stored.finished)}: {stored.queued} queued, {stored.skipped} already decided or queued")
            if not wait:
                return
            plan = stored
        elif stored.finished is None:
            plan = stored
            click.echo(f"{platform}: resuming the {stored.mode} backfill of {stored.window()} after page "
                       f"{stored.pages} ({stored.queued} queued so far)")
        else:
            plan = fresh
    else:
        plan = fresh

    if plan.mode == "enforce" and plan.finished is None:
        click.echo(f"ENFORCE: the workers will act on the tickets of {platform} created {plan.window()}: "
                   "violations are permanently DELETED and their requesters emailed, others tagged for review, "
                   "as the rules say.")
        if not yes:
            if not sys.stdin.isatty():
                raise click.ClickException("--enforce asks for confirmation; hint: run it at a terminal, or add "
                                           "--yes; look first with --dry-run or a monitor backfill")
            click.confirm("Go ahead?", abort=True)
    elif plan.finished is None:
        click.echo(f"monitor: the workers decide and record the tickets of {platform} created {plan.window()}; "
                   "nothing on the helpdesk changes (add --enforce to act)")

    job = Backfill(plan, db, client, lambda ticket_id: runtime.tasks.process(platform, ticket_id, mode=plan.mode),
                   runtime.huey.pending_count, max_queue, pace, tick_every=1.0)
    with _Progress(platform, plan) as progress:
        job.tick = progress.show
        if plan.finished is None:
            job.run()
        status = job.wait_drained() if wait else job.refresh(force=True)
    line = (f"{platform}: {plan.listed} ticket(s) created {plan.window()} listed, {plan.skipped} already decided "
            f"or queued, {plan.queued} queued ({plan.mode})")
    if wait:
        line += f"; decided: {status.finished}" + (f", dead letters: {status.dead}" if status.dead else "")
    click.echo(line)
    if status.dead:
        click.echo("some jobs failed for good: `gdpr-bridge deadletters list` names them, `deadletters retry` "
                   "queues them again")
    click.echo("`gdpr-bridge report` shows what " + ("was done" if plan.mode == "enforce" else
                                                     "enforce mode would have done"))


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _dry_run(count_only: Any, db: Any, client: Any, plan: Any, pace: Any) -> None:
    from tqdm import tqdm

    from bridge.backfill import duration_text

    with tqdm(desc=f"dry run {plan.platform}", unit=" tickets", file=sys.stderr, disable=None) as bar:
        def tick(counts: Any) -> None:
            bar.n = counts.listed
            bar.set_postfix_str(f"would queue {counts.would_queue}", refresh=True)

        counts = count_only(db, client, plan, tick)
    click.echo(f"dry run, {plan.mode}: {counts.listed} ticket(s) of {plan.platform} created {plan.window()}; "
               f"{counts.skipped} already decided or queued; {counts.would_queue} would be queued (nothing was)")
    if counts.would_queue and pace.per_minute:
        seconds = counts.would_queue * pace.requests_per_ticket * 60.0 / pace.per_minute
        click.echo(f"at the rate budget ({pace.per_minute:.0f} requests a minute, about {pace.requests_per_ticket:g} "
                   f"a ticket) the workers need at least {duration_text(seconds)}")


class _Progress:
    """A tqdm bar on a terminal; elsewhere a status line on stderr every 10 seconds."""

    def __init__(self, platform: str, plan: Any) -> None:
        self.platform = platform
        self.plan = plan
        self.bar: Any = None
        self._last = 0.0

    def __enter__(self) -> "_Progress":
        from tqdm import tqdm

        self.bar = tqdm(desc=f"backfill {self.platform}", unit=" tickets", file=sys.stderr, disable=None,
                        bar_format="{desc}: {n_fmt}/{total_fmt} decided |{bar}| {postfix}")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()

    def text(self, status: Any) -> str:
        from bridge.backfill import duration_text

        plan = status.plan
        parts = [f"listed {plan.listed}", f"queued {plan.queued}", f"skipped {plan.skipped}",
                 f"in queue {status.depth}" + (" (waiting)" if status.waiting else "")]
        if status.left is not None:
            parts.append(f"left ~{status.left:.0f}")
        parts.append(f"ETA {duration_text(status.eta())} (budget {duration_text(status.eta_budget)}, "
                     f"measured {duration_text(status.eta_measured)})")
        return ", ".join(parts)

    def show(self, status: Any) -> None:
        plan = status.plan
        total = plan.queued if plan.finished is not None or not plan.progress else max(
            plan.queued, round(plan.queued / plan.progress))
        if self.bar is not None and not self.bar.disable:
            self.bar.total = total
            self.bar.n = status.finished + status.dead
            self.bar.set_postfix_str(self.text(status), refresh=True)
            return
        now = time.monotonic()
        if now - self._last >= 10.0:
            self._last = now
            click.echo(f"backfill {self.platform}: decided {status.finished + status.dead}/{total}, "
                       + self.text(status), err=True)
