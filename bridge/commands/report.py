"""``gdpr-bridge report``: what enforce mode would have done (or did) in a window."""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import click

from bridge.commands.params import DURATION, settings_or_exit

WOULD_DO = {"violation": "email the requester and delete the ticket", "review": "tag it for human review",
            "clean": "leave it alone"}


def build_report(records: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = Counter(r["verdict"] for r in records)
    kinds: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    review_reasons: Counter[str] = Counter()
    for r in records:
        kinds.update(r["kinds"])
        (review_reasons if r["verdict"] == "review" else reasons).update(r["reasons"])
    return {
        "tickets": len(records),
        "by_verdict": dict(verdicts),
        "would_do": {v: {"tickets": n, "action": WOULD_DO.get(v, v)} for v, n in verdicts.items()},
        "kinds": dict(kinds.most_common()),
        "rules_fired": dict(reasons.most_common()),
        "review_reasons": dict(review_reasons.most_common()),
    }


@click.command()
@click.option("--since", type=DURATION, default="7d", show_default=True, help="The window to look back, e.g. 24h, 7d, 4w.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="Text for people, or JSON / CSV (section,name,count rows) for tools.")
def report(since: timedelta, fmt: str) -> None:
    """What enforce mode would have done (or did) with the tickets decided in the window."""
    from bridge.audit import AuditLog
    from bridge.db import open_database

    settings = settings_or_exit()
    start = time.time() - since.total_seconds()
    records = list(AuditLog(open_database(settings.state_url)).records(since=start))
    data = build_report(records)
    data["since"] = str(since)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "name", "count"])
        for section in ("by_verdict", "kinds", "rules_fired", "review_reasons"):
            for name, count in data[section].items():
                writer.writerow([section, name, count])
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(f"{data['tickets']} ticket(s) decided in the last {since}")
    for verdict in ("violation", "review", "clean"):
        n = data["by_verdict"].get(verdict, 0)
        click.echo(f"  {verdict:<10} {n:>6}  enforce mode would {WOULD_DO[verdict]}")
    for title, section in (("Kinds found", "kinds"), ("Rules that fired", "rules_fired"),
                           ("Review reasons", "review_reasons")):
        if data[section]:
            click.echo(f"{title}:")
            for name, count in data[section].items():
                click.echo(f"  {count:>6}  {name}")
