"""The erasure report for the data-protection officer (``gdpr-bridge audit attest``).

Counts only — no ticket ids, no names, no values: deletions by reason, reviews, webhooks
the sweep caught, failures and dead letters, the rules versions in force and when they
changed, and whether the audit chain verifies. Each report written is remembered
(``attestations``), so that the status page and a log line can remind when six months
have passed since the last one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import func, select

from bridge.audit import AuditLog
from bridge.db import Database
from bridge.jobkeys import is_comment_key
from bridge.schema import attestations, decisions, jobs, steps

# Audit steps that end with a ticket deleted, by the reason the report gives. The
# retention run and subject erasure record their own step names (``record_step``).
DELETION_STEPS = {"deleted": "policy violation", "retention_deleted": "retention", "subject_erased": "subject erasure",
                  "channel_deleted": "rejected channel"}
SWEPT_STEP = "swept"
REDACTED_STEP = "redacted"  # a confirmed redaction (bridge.pipeline.REDACTED): the ticket was kept
REMIND_AFTER_DAYS = 182  # about six months

log = logging.getLogger(__name__)

_templates = Environment(loader=PackageLoader("bridge", "templates/attest"), autoescape=select_autoescape())


def _epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_report(db: Database, start: date, end: date, now: float | None = None) -> dict[str, Any]:
    """The report for the days ``start`` to ``end`` inclusive (UTC)."""
    since, until = _epoch(start), _epoch(end + timedelta(days=1))
    in_period_steps = (steps.c.at >= since) & (steps.c.at < until)
    in_period = (decisions.c.decided_at >= since) & (decisions.c.decided_at < until)
    with db.read() as conn:
        step_counts: dict[str, int] = dict(conn.execute(
            select(steps.c.step, func.count()).where(in_period_steps).group_by(steps.c.step)).all())
        verdicts: dict[str, int] = dict(conn.execute(
            select(decisions.c.verdict, func.count()).where(in_period).group_by(decisions.c.verdict)).all())
        monitor_violations = conn.execute(select(func.count()).where(
            in_period & (decisions.c.verdict == "violation") & (decisions.c.mode == "monitor"))).scalar() or 0
        review_reasons: Counter[str] = Counter()
        for (reasons,) in conn.execute(select(decisions.c.reasons).where(in_period & (decisions.c.verdict == "review"))):
            review_reasons.update(json.loads(reasons))
        redacted_rows = conn.execute(select(steps.c.ticket_id, steps.c.detail)
                                     .where(in_period_steps & (steps.c.step == REDACTED_STEP))).all()
        versions = conn.execute(
            select(decisions.c.rules_hash, func.min(decisions.c.decided_at), func.max(decisions.c.decided_at),
                   func.count()).where(in_period).group_by(decisions.c.rules_hash)
            .order_by(func.min(decisions.c.decided_at))).all()
        before = conn.execute(select(decisions.c.rules_hash).where(decisions.c.decided_at < since)
                              .order_by(decisions.c.decided_at.desc(), decisions.c.id.desc()).limit(1)).scalar()
        ended = (jobs.c.updated_at >= since) & (jobs.c.updated_at < until)
        dead = conn.execute(select(jobs.c.last_error).where(ended & (jobs.c.state == "dead"))).all()
        retried = conn.execute(select(func.count()).where(ended & (jobs.c.attempts > 1))).scalar() or 0
        still_running = conn.execute(select(func.count()).where(jobs.c.state.in_(("running", "retrying")))).scalar()
    rules_versions = []
    if before and (not versions or versions[0][0] != before):
        rules_versions.append({"version": before, "in_force_from": "before the period", "last_used": None,
                               "decisions": 0})
    for index, (version, first, last, count) in enumerate(versions):
        carried_over = index == 0 and version == before
        rules_versions.append({"version": version, "in_force_from": "before the period" if carried_over else _iso(first),
                               "last_used": _iso(last), "decisions": int(count)})
    chain = AuditLog(db).verify()
    broken = chain.broken
    return {
        "report": "gdpr-bridge erasure report",
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "generated_at": _iso(time.time() if now is None else now),
        "deletions": {reason: int(step_counts.get(step, 0)) for step, reason in DELETION_STEPS.items()},
        "redactions": redaction_counts(redacted_rows, int(step_counts.get("redact_failed", 0)),
                                       int(step_counts.get("redact_unconfirmed", 0))),
        "decisions": {v: int(verdicts.get(v, 0)) for v in ("violation", "review", "clean")},
        "violations_seen_in_monitor_mode": int(monitor_violations),
        "reviews": {"total": int(verdicts.get("review", 0)), "by_reason": dict(review_reasons.most_common())},
        "caught_by_sweep": int(step_counts.get(SWEPT_STEP, 0)),
        "channels": _channels(db, since, until),
        "failures": {
            "dead_letters": len(dead),
            "dead_letters_by_error": dict(Counter((e or "unknown").split(":", 1)[0] for (e,) in dead).most_common()),
            "jobs_that_needed_retries": int(retried),
            "jobs_unfinished_now": int(still_running or 0),
        },
        "rules_versions": rules_versions,
        "audit_chain": {
            "verified": chain.ok,
            "records": chain.records,
            "first_broken_record": None if broken is None else {"seq": broken.seq, "kind": broken.kind,
                                                                "problem": broken.problem},
        },
    }


def _channels(db: Database, since: float, until: float) -> dict[str, Any]:
    """The channels rule's part: rejected by channel, deleted/closed, notices (counts only)."""
    from bridge.channel_counts import channel_counts

    return channel_counts(db, since, until)


def redaction_counts(rows: Iterable[Any], refused: int, unconfirmed: int) -> dict[str, int]:
    """Confirmed redactions (the ticket kept, the data removed), apart from deletions: of
    comments and of descriptions, with the spans and files they removed."""
    out = {"comments": 0, "descriptions": 0, "spans": 0, "attachments": 0, "refused": refused,
           "unconfirmed": unconfirmed}
    for ticket_id, detail in rows:
        out["comments" if is_comment_key(ticket_id) else "descriptions"] += 1
        try:
            counts = json.loads(detail or "{}")
            out["spans"] += int(counts.get("spans", 0))
            out["attachments"] += int(counts.get("attachments", 0))
        except (ValueError, TypeError, AttributeError):
            continue
    return out


def render(report: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report, indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        return _templates.get_template("report.html").render(r=report)
    raise ValueError(f"unknown format {fmt!r}: use html or json")


def remember(db: Database, report: dict[str, Any], rendered: str, now: float | None = None) -> None:
    """Keep that a report was written (and a hash of it), for the six-monthly reminder."""
    with db.write() as conn:
        conn.execute(attestations.insert().values(
            at=time.time() if now is None else now, period_from=report["period"]["from"],
            period_to=report["period"]["to"], chain_ok=report["audit_chain"]["verified"],
            records=report["audit_chain"]["records"], report_sha256=hashlib.sha256(rendered.encode()).hexdigest()))


def remind_if_due(db: Database) -> bool:
    """Log a reminder when an erasure report is due (at worker start and once a day)."""
    status = attestation_status(db)
    if status["due"]:
        log.warning("erasure report due", extra={
            "days_since": status["days_since"], "last": status["last"],
            "hint": "gdpr-bridge audit attest --from YYYY-MM-DD --to YYYY-MM-DD --format html --out report.html"})
    return bool(status["due"])


def attestation_status(db: Database, now: float | None = None) -> dict[str, Any]:
    """When the last report was written and whether one is due (six months after the last,
    or after the first audit record when there has never been one)."""
    now = time.time() if now is None else now
    with db.read() as conn:
        last = conn.execute(select(func.max(attestations.c.at))).scalar()
        first = conn.execute(select(func.min(decisions.c.decided_at))).scalar()
    since = last if last is not None else first
    days = None if since is None else int((now - since) // 86400)
    return {"last": _iso(last), "days_since": days, "due": days is not None and days >= REMIND_AFTER_DAYS,
            "remind_after_days": REMIND_AFTER_DAYS}
