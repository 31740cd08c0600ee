"""``gdpr-bridge report``: what monitor mode would have done, and what enforce mode did, in a window.

Each ticket counts once, by its latest decision: a ticket decided in monitor mode and then
again in enforce mode (``redecide``, a redelivered webhook) counts as enforced.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import click

from bridge.commands.params import DURATION, data_or_exit, settings_or_exit

WOULD_DO = {"violation": "email the requester and delete the ticket", "review": "tag it for human review",
            "clean": "leave it alone"}
# What enforce mode did, from the steps it recorded (first match wins).
DID = ("deleted", "redacted", "review_marked", "redact_unconfirmed", "redact_failed", "gone")
DONE_WORDS = {"deleted": "deleted", "redacted": "redacted (ticket kept)", "review_marked": "tagged for review",
              "redact_unconfirmed": "redaction not confirmed (tagged for review)",
              "redact_failed": "redaction refused (tagged for review)", "gone": "gone",
              "left_alone": "left alone", "pending": "violation not acted on yet (pending or failed)"}
OUTCOME_ORDER = ("deleted", "redacted", "review_marked", "left_alone", "pending", "redact_unconfirmed",
                 "redact_failed", "gone")


def enforce_outcome(record: dict[str, Any]) -> str:
    steps = {step["step"] for step in record["steps"]}
    for step in DID:
        if step in steps:
            return step
    return "pending" if record["verdict"] == "violation" and record["action"] == "delete" else "left_alone"


def redaction_totals(records: list[dict[str, Any]]) -> dict[str, int]:
    """Confirmed redactions of the records, with the passages and files they removed."""
    out = {"confirmed": 0, "spans": 0, "attachments": 0}
    for record in records:
        for step in record["steps"]:
            if step["step"] != "redacted":
                continue
            out["confirmed"] += 1
            try:
                counts = json.loads(step["detail"] or "{}")
                out["spans"] += int(counts.get("spans", 0))
                out["attachments"] += int(counts.get("attachments", 0))
            except (ValueError, TypeError, AttributeError):
                pass
    return out


def build_report(records: list[dict[str, Any]], channels: dict[str, Any] | None = None) -> dict[str, Any]:
    """Tickets (each by its latest decision) and, apart, comments added later (issue 17) and the
    channels rule's counts (``bridge.channel_counts``): a ticket monitor mode decided and the
    channels rule then acted on is no "would" any more."""
    from bridge.jobkeys import is_comment_key

    comments = [r for r in records if is_comment_key(r["ticket_id"])]
    records = [r for r in records if not is_comment_key(r["ticket_id"])]
    data = _section(records)
    section = _section(comments)
    data["comments"] = {"decided": section["tickets"], "by_verdict": section["by_verdict"],
                        "monitor": section["monitor"], "enforce": section["enforce"], "kinds": section["kinds"]}
    data["redactions"] = {"descriptions": redaction_totals(records), "comments": redaction_totals(comments)}
    data["channels"] = channels or {}
    return data


def _section(records: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(r["verdict"] for r in records)
    monitor = [r for r in records if r["mode"] != "enforce"
               and not any(s["step"] in ("channel_deleted", "channel_closed") for s in r["steps"])]
    enforce = [r for r in records if r["mode"] == "enforce"]
    would = Counter(r["verdict"] for r in monitor)
    did = Counter(enforce_outcome(r) for r in enforce)
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    review_reasons: Counter[str] = Counter()
    for r in records:
        kinds.update(r["kinds"])
        (review_reasons if r["verdict"] == "review" else reasons).update(r["reasons"])
    return {
        "tickets": len(records),
        "by_verdict": dict(verdicts),
        "monitor": {"tickets": len(monitor), "by_verdict": dict(would),
                    "would_do": {v: {"tickets": n, "action": WOULD_DO.get(v, v)} for v, n in would.items()}},
        "enforce": {"tickets": len(enforce), "by_verdict": dict(Counter(r["verdict"] for r in enforce)),
                    "done": dict(did)},
        "would_do": {v: {"tickets": n, "action": WOULD_DO.get(v, v)} for v, n in would.items()},
        "kinds": dict(kinds.most_common()),
        "rules_fired": dict(reasons.most_common()),
        "review_reasons": dict(review_reasons.most_common()),
    }


@click.command()
@click.option("--since", type=DURATION, default="7d", show_default=True, help="The window to look back, e.g. 24h, 7d, 4w.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="Text for people, or JSON / CSV (section,name,count rows) for tools.")
def report(since: timedelta, fmt: str) -> None:
    """What monitor mode would have done ("would delete") and what enforce mode did ("deleted")
    with the tickets decided in the window."""
    from bridge.audit import AuditLog
    from bridge.db import open_database

    settings = settings_or_exit()
    data_or_exit(settings)
    start = time.time() - since.total_seconds()
    from bridge.channel_counts import channel_counts

    db = open_database(settings.state_url)
    records = list(AuditLog(db).records(since=start))
    data = build_report(records, channel_counts(db, start))
    data["since"] = str(since)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "name", "count"])
        rows = [("by_verdict", data["by_verdict"]), ("monitor_would", data["monitor"]["by_verdict"]),
                ("enforce_done", data["enforce"]["done"]), ("kinds", data["kinds"]),
                ("rules_fired", data["rules_fired"]), ("review_reasons", data["review_reasons"]),
                ("comments_by_verdict", data["comments"]["by_verdict"]),
                ("comments_monitor_would", data["comments"]["monitor"]["by_verdict"]),
                ("comments_enforce_done", data["comments"]["enforce"]["done"]),
                ("description_redactions", data["redactions"]["descriptions"]),
                ("comment_redactions", data["redactions"]["comments"]),
                ("channel_rejected", data["channels"].get("by_channel", {})),
                ("channel_done", {k: data["channels"][k] for k in ("deleted", "closed") if data["channels"].get(k)}),
                ("channel_would", data["channels"].get("monitor_by_channel", {}))]
        for section, counts in rows:
            for name, count in counts.items():
                writer.writerow([section, name, count])
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(f"{data['tickets']} ticket(s) decided in the last {since}")
    if data["monitor"]["tickets"] or not data["enforce"]["tickets"]:
        click.echo(f"In monitor mode ({data['monitor']['tickets']}; nothing was changed):")
        for verdict in ("violation", "review", "clean"):
            n = data["monitor"]["by_verdict"].get(verdict, 0)
            click.echo(f"  {verdict:<10} {n:>6}  enforce mode would {WOULD_DO[verdict]}")
    if data["enforce"]["tickets"]:
        click.echo(f"In enforce mode ({data['enforce']['tickets']}):")
        shown = [o for o in OUTCOME_ORDER
                 if data["enforce"]["done"].get(o, 0) or o in ("deleted", "review_marked", "left_alone")]
        width = max(18, *(len(DONE_WORDS[o]) for o in shown))
        for outcome in shown:
            click.echo(f"  {DONE_WORDS[outcome]:<{width}} {data['enforce']['done'].get(outcome, 0):>6}")
    channels = data["channels"]
    if channels.get("rejected") or channels.get("monitor_would"):
        click.echo(f"Rejected by channel (rules' channels.reject) ({channels['rejected']}):")
        for name, n in channels["by_channel"].items():
            click.echo(f"  by {name:<15} {n:>6}")
        for outcome in ("deleted", "closed"):
            if channels[outcome]:
                click.echo(f"  {outcome:<18} {channels[outcome]:>6}")
        notices = channels["notices"]
        click.echo(f"  portal notices     {notices['sent']:>6} sent, {notices['skipped']} skipped, {notices['lost']} lost")
        if channels["monitor_would"]:
            click.echo(f"  monitor mode would reject {channels['monitor_would']} ({', '.join(channels['monitor_by_channel'])};"
                       " nothing was changed)")
    if data["monitor"]["tickets"] and data["enforce"]["tickets"]:
        click.echo("  (`gdpr-bridge redecide --dry-run` shows what enforce mode would do with the monitor ones)")
    _echo_comments(data)
    for title, section in (("Kinds found", "kinds"), ("Rules that fired", "rules_fired"),
                           ("Review reasons", "review_reasons")):
        if data[section]:
            click.echo(f"{title}:")
            for name, count in data[section].items():
                click.echo(f"  {count:>6}  {name}")


def _echo_comments(data: dict[str, Any]) -> None:
    """Comments added after creation, and redactions counted apart from deletions."""
    comments = data["comments"]
    redacted = data["redactions"]
    if comments["decided"]:
        click.echo(f"Comments added later: {comments['decided']} decided")
        for verdict in ("violation", "review", "clean"):
            n = comments["by_verdict"].get(verdict, 0)
            if n:
                click.echo(f"  {verdict:<10} {n:>6}  decided {verdict}")
        done = {o: n for o, n in comments["enforce"]["done"].items() if n}
        width = max([18, *(len(DONE_WORDS.get(o, o)) for o in done)])
        for outcome in OUTCOME_ORDER:
            if outcome in done:
                click.echo(f"  {DONE_WORDS[outcome]:<{width}} {done[outcome]:>6}")
    for what in ("descriptions", "comments"):
        counts = redacted[what]
        if counts["confirmed"]:
            click.echo(f"Redacted {what} (ticket kept): {counts['confirmed']} ({counts['spans']} passage(s), "
                       f"{counts['attachments']} attachment(s) removed)")
