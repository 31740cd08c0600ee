"""``gdpr-bridge redecide``: from monitor to enforce.

Tickets decided in monitor mode were only recorded. After switching to enforce, this
command decides them again with the current rules and has the workers act on them: each
one that still exists is queued as an ordinary job, and the worker (in enforce mode)
fetches it, decides it and emails, deletes or tags as the rules say. ``--dry-run``
decides them here instead, changes nothing, and lists what enforce mode would do.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import Any

import click

from bridge.commands.params import DURATION, PLATFORM, Duration, data_or_exit, runtime_or_exit, settings_or_exit

WOULD = {"delete": "would email the requester and delete the ticket", "review": "would tag it for human review",
         "none": "would leave it alone"}
# The summary's order: fixed, so that the line does not depend on which ticket a worker decided first.
ORDER = ("email the requester and delete the ticket", "redact the comment",
         "redact the description (or fall back: actions.redact_fallback)", "tag it for human review", "leave it alone", "out of scope",
         "queued", "gone", "not reachable")


def summary(outcomes: Counter[str]) -> str:
    """``what: n`` for each outcome seen, in ``ORDER`` (unknown ones last, by name)."""
    rank = {what: i for i, what in enumerate(ORDER)}
    seen = sorted((what for what, n in outcomes.items() if n), key=lambda what: (rank.get(what, len(ORDER)), what))
    return "; ".join(f"{what}: {outcomes[what]}" for what in seen)


def monitored_tickets(audit: Any, since: float, platform: str | None) -> list[dict[str, Any]]:
    """The latest records, decided since ``since``, that monitor mode decided and nothing acted on."""
    from bridge.pipeline import monitored_only

    return [r for r in audit.records(since=since, platform=platform)
            if monitored_only(step["step"] for step in r["steps"])]


@click.command()
@click.option("--since", type=DURATION, default="30d", show_default=True,
              help="Tickets decided in monitor mode within this window, e.g. 7d, 30d, 12w.")
@click.option("--platform", type=PLATFORM, default=None, help="Only this platform's tickets.")
@click.option("--dry-run", is_flag=True,
              help="Decide them here with the current rules and list what enforce mode would do; change nothing.")
def redecide(since: Duration, platform: str | None, dry_run: bool) -> None:
    """Decide again, with the current rules, the tickets decided in monitor mode, and act on them.

    Run it after switching to enforce mode (BRIDGE_MODE=enforce or `mode: enforce` in the
    rules, workers restarted). Tickets deleted or gone meanwhile are skipped. Without
    --dry-run each ticket that still exists is queued, and the workers email, delete or tag it
    as the current rules say.
    """
    from tqdm import tqdm

    from bridge.audit import AuditLog
    from bridge.jobkeys import split_key
    from bridge.pipeline import GONE
    from bridge.platform import PlatformError, TicketGone
    from bridge.rules import RulesError, load_rules

    data_or_exit(settings_or_exit())  # before the runtime, which would create the queue's folder
    runtime = runtime_or_exit()
    settings = runtime.settings
    try:
        rules = load_rules(settings.rules_path)
    except RulesError as exc:
        raise click.ClickException(str(exc)) from None
    mode = settings.mode(rules.mode)
    if not dry_run and mode != "enforce":
        raise click.ClickException(
            "the bridge is in monitor mode: switch to enforce first (BRIDGE_MODE=enforce or `mode: enforce` in the"
            " rules, and restart the workers), or look with --dry-run"
        )
    audit = AuditLog(runtime.database())
    tickets = monitored_tickets(audit, time.time() - since.total_seconds(), platform)
    click.echo(f"{len(tickets)} ticket(s) decided in monitor mode in the last {since} and not acted on")
    if not tickets:
        return
    services = runtime.services() if dry_run else None
    outcomes: Counter[str] = Counter()
    lines: list[str] = []
    with tqdm(total=len(tickets), desc="redecide", unit=" tickets", file=sys.stderr, disable=None) as progress:
        for record in tickets:
            name, ticket_id = record["platform"], record["ticket_id"]
            real_id, comment_id = split_key(ticket_id)  # a comment added later: its own record
            try:
                if services is not None:
                    outcome, line = _decide_here(services, name, ticket_id, record["verdict"])
                    lines.append(line)
                elif comment_id is not None:
                    runtime.platform(name).fetch_comment(real_id, comment_id)  # type: ignore[attr-defined]
                    runtime.enqueue_comment(name, real_id, comment_id)
                    outcome = "queued"
                else:
                    runtime.platform(name).fetch_ticket(ticket_id)  # only tickets that still exist
                    runtime.enqueue(name, ticket_id)
                    outcome = "queued"
            except TicketGone:
                outcome = "gone"
                if services is None:  # recorded, so that the next run does not look for it again
                    audit.record_step(name, ticket_id, GONE, "ticket not found when re-deciding")
            except PlatformError as exc:
                outcome = "not reachable"
                lines.append(f"{name} {ticket_id}: not reachable ({exc})"[:300])
            outcomes[outcome] += 1
            progress.update(1)
    for line in lines:
        click.echo(line)
    click.echo(("enforce mode would do — " if dry_run else "done — ") + summary(outcomes))
    if not dry_run and outcomes["queued"]:
        click.echo("the workers now decide and act on the queued tickets; `gdpr-bridge report` shows the result")


def _decide_here(services: Any, platform_name: str, ticket_id: str, before: str) -> tuple[str, str]:
    """Fetch and decide one ticket as the worker would, without acting. No values in the line."""
    from bridge.comments import holder_ticket, skip_reason
    from bridge.jobkeys import split_key
    from bridge.pipeline import download_attachments, in_scope

    platform = services.platform(platform_name)
    real_id, comment_id = split_key(ticket_id)
    ticket = platform.fetch_ticket(real_id)
    if not in_scope(ticket, services.rules, platform_name):
        return "out of scope", f"{platform_name} {ticket_id}: out of scope now, would be left alone"
    channels = services.rules.channels
    if comment_id is None and channels.rejects(ticket.channel):  # the channels rule acts before (delete) or besides (close) the scan
        what = f"ask the requester to use the portal and {channels.action} the ticket (rejected channel)"
        if channels.action == "delete":
            return what, f"{platform_name} {ticket_id}: monitor said {before}, arrived by {ticket.channel}: would {what}"
    if comment_id is not None:  # a comment added later: only it is scanned, as the worker does
        comment = platform.fetch_comment(real_id, comment_id)
        if skip_reason(comment, services.rules.comments) is not None:
            return "leave it alone", f"{platform_name} {ticket_id}: not scanned now, would be left alone"
        ticket = holder_ticket(ticket, comment)
    attachments, _kinds = download_attachments(platform, ticket, services.rules)
    language = services.analyzer.language_of(ticket)
    decision = services.analyzer.analyse(ticket, attachments, language=language)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(decision.kind_counts().items()))
    would = WOULD.get(decision.action, f"would {decision.action}")
    if decision.action == "delete" and comment_id is not None:
        would = {"redact": "would redact the comment", "review": WOULD["review"]}.get(
            services.rules.comments.action, would)
    elif decision.action == "delete" and services.rules.actions.violation == "redact":
        would = "would redact the description (or fall back: actions.redact_fallback)"
    line = f"{platform_name} {ticket_id}: monitor said {before}, now {decision.verdict}: {would}"
    return would.removeprefix("would "), line + (f" ({kinds})" if kinds else "")
