"""What the channels rule did in a period, from the audit's steps (report, attest, status).

Counts only: channels by name, actions, notices; never a ticket's content. A ticket that
monitor mode would have rejected and enforce mode then did reject counts once, as rejected.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from bridge.db import Database
from bridge.schema import steps

WOULD, REJECTED, DELETED, CLOSED, NOTICE = (
    "channel_would_reject", "channel_rejected", "channel_deleted", "channel_closed", "channel_notice")


def channel_counts(db: Database, since: float, until: float | None = None) -> dict[str, Any]:
    """``rejected`` (enforce mode), ``by_channel``, ``deleted``, ``closed``, ``notices`` (sent,
    skipped, lost), ``monitor_would`` and ``monitor_by_channel`` for steps in [since, until)."""
    where = steps.c.step.in_((WOULD, REJECTED, DELETED, CLOSED, NOTICE)) & (steps.c.at >= since)
    if until is not None:
        where = where & (steps.c.at < until)
    with db.read() as conn:
        rows = conn.execute(select(steps.c.platform, steps.c.ticket_id, steps.c.step, steps.c.detail).where(where)).all()
    rejected = {(r.platform, r.ticket_id) for r in rows if r.step == REJECTED}
    by_channel: Counter[str] = Counter()
    would: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for row in rows:
        channel = str(row.detail or "").split(";", 1)[0].strip() or "other"
        if row.step == REJECTED:
            by_channel[channel] += 1
        elif row.step == WOULD and (row.platform, row.ticket_id) not in rejected:
            would[channel] += 1
        elif row.step in (DELETED, CLOSED):
            done[row.step] += 1
        elif row.step == NOTICE:
            detail = str(row.detail or "")
            notices["lost" if detail.startswith("lost") else "skipped" if detail.startswith("skipped") else "sent"] += 1
    return {
        "rejected": sum(by_channel.values()),
        "by_channel": dict(by_channel.most_common()),
        "deleted": done[DELETED],
        "closed": done[CLOSED],
        "notices": {k: notices[k] for k in ("sent", "skipped", "lost")},
        "monitor_would": sum(would.values()),
        "monitor_by_channel": dict(would.most_common()),
    }
