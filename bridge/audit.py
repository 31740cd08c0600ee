"""The audit trail: one decision record per analysis and one row per action taken.

Nothing here may hold personal data: ticket ids, platform, times, verdicts, entity
kinds and counts, rule names, the rules file's hash, and platform confirmations
(job ids). Places are kept as their category only (``subject``, ``body``,
``attachment``), because a file name can itself name a person.
"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime, timezone
from dataclasses import dataclass
from typing import Any, Iterator

from sqlalchemy import Connection, Table, func, select, update

from bridge.audit_chain import GENESIS, decision_content, link, step_content
from bridge.db import Database
from bridge.findings import Decision
from bridge.schema import audit_head, decisions, steps


def place_category(place: str) -> str:
    """``attachment:payslip-anna.pdf (page 2)`` → ``attachment``."""
    return place.split(":", 1)[0].split(" ", 1)[0]


def safe_reason(reason: str, filenames: list[str]) -> str:
    """Replace attachment names in a reason by their position (``attachment #2``)."""
    numbered = [(name, index) for index, name in enumerate(filenames, start=1) if name]
    for name, index in sorted(numbered, key=lambda item: len(item[0]), reverse=True):
        reason = reason.replace(name, f"#{index}")
    return reason


@dataclass(frozen=True)
class StepRecord:
    step: str
    at: float
    detail: str | None


@dataclass(frozen=True)
class ChainBreak:
    """The first record whose link does not hold, named without any of its content."""

    seq: int
    kind: str  # decision | step | head
    platform: str | None
    ticket_id: str | None
    problem: str


@dataclass(frozen=True)
class ChainReport:
    records: int
    head_seq: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


class AuditLog:
    """Appends decisions and steps to one hash chain; reads them back."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _append(self, conn: Connection, table: Table, row: dict[str, Any], content: Any) -> None:
        """Insert ``row`` as the next link. The caller holds the write transaction; the
        head row is locked (FOR UPDATE on PostgreSQL, the database lock on SQLite), so
        concurrent writers on any host append one after the other."""
        head = conn.execute(
            select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
        ).one()
        seq = head.seq + 1
        digest = link(head.hash, content(row, seq))
        conn.execute(table.insert().values(**row, seq=seq, prev_hash=head.hash, hash=digest))
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=digest))

    def record_decision(
        self,
        platform: str,
        ticket_id: str,
        decision: Decision,
        mode: str,
        rules_hash: str,
        language: str | None,
        filenames: list[str],
        at: float | None = None,
        skip_repeat: bool = False,
    ) -> bool:
        """Append the decision; False when ``skip_repeat`` and the ticket key's latest decision
        is this one (same mode, verdict, kinds, places, reasons, rules): a job taken over after
        its worker died, or retried, decides again but is recorded once. A decision in another
        mode (``redecide``: monitor, then enforce) or a different one is recorded."""
        places: dict[str, list[str]] = {}
        for place, kinds in decision.places.items():
            merged = places.setdefault(place_category(place), [])
            merged.extend(k for k in kinds if k not in merged)
        row = {
            "platform": platform,
            "ticket_id": ticket_id,
            "decided_at": time.time() if at is None else at,
            "mode": mode,
            "verdict": decision.verdict,
            "action": decision.action,
            "kinds": json.dumps(decision.kind_counts(), sort_keys=True),
            "places": json.dumps(places, sort_keys=True),
            "reasons": json.dumps([safe_reason(r, filenames) for r in decision.reasons]),
            "rules_hash": rules_hash,
            "language": language,
        }
        with self.db.write() as conn:
            if skip_repeat:
                # Lock the head first: two runs of the same job then meet here, one after the other.
                conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1).with_for_update()).one()
                if _latest_decision(conn, platform, ticket_id) == _comparable(row):
                    return False
            self._append(conn, decisions, row, decision_content)
        return True

    def record_step(self, platform: str, ticket_id: str, step: str, detail: str | None = None,
                    at: float | None = None) -> bool:
        """Record that ``step`` happened; False when it was recorded before (each step once)."""
        key = (steps.c.platform == platform) & (steps.c.ticket_id == ticket_id) & (steps.c.step == step)
        with self.db.write() as conn:
            # Lock the head first: two writers of the same step then meet here, one after the other.
            conn.execute(select(audit_head.c.seq).where(audit_head.c.id == 1).with_for_update()).one()
            if conn.execute(select(steps.c.step).where(key)).first() is not None:
                return False
            row = {"platform": platform, "ticket_id": ticket_id, "step": step, "at": time.time() if at is None else at,
                   "detail": detail}
            self._append(conn, steps, row, step_content)
        return True

    def steps(self, platform: str, ticket_id: str) -> dict[str, StepRecord]:
        with self.db.read() as conn:
            rows = conn.execute(
                select(steps.c.step, steps.c.at, steps.c.detail)
                .where((steps.c.platform == platform) & (steps.c.ticket_id == ticket_id))
                .order_by(steps.c.at, steps.c.seq)
            ).all()
        return {r.step: StepRecord(r.step, r.at, r.detail) for r in rows}

    def has_record(self, platform: str, ticket_id: str) -> bool:
        with self.db.read() as conn:
            for table in (decisions, steps):
                found = conn.execute(
                    select(table.c.ticket_id)
                    .where((table.c.platform == platform) & (table.c.ticket_id == ticket_id)).limit(1)
                ).first()
                if found is not None:
                    return True
        return False

    def records(self, since: float = 0.0, platform: str | None = None,
                until: float | None = None) -> Iterator[dict[str, Any]]:
        """The latest decision of each ticket decided in [``since``, ``until``), with its steps."""
        last = (
            select(func.max(decisions.c.id).label("id"))
            .group_by(decisions.c.platform, decisions.c.ticket_id)
            .subquery()
        )
        query = select(decisions).join(last, last.c.id == decisions.c.id).where(decisions.c.decided_at >= since)
        if until is not None:
            query = query.where(decisions.c.decided_at < until)
        if platform:
            query = query.where(decisions.c.platform == platform)
        with self.db.read() as conn:
            rows = conn.execute(query.order_by(decisions.c.decided_at, decisions.c.id)).all()
            for row in rows:
                step_rows = conn.execute(
                    select(steps.c.step, steps.c.at, steps.c.detail)
                    .where((steps.c.platform == row.platform) & (steps.c.ticket_id == row.ticket_id))
                    .order_by(steps.c.at, steps.c.seq)
                ).all()
                yield {
                    "platform": row.platform,
                    "ticket_id": row.ticket_id,
                    "decided_at": row.decided_at,
                    "mode": row.mode,
                    "verdict": row.verdict,
                    "action": row.action,
                    "kinds": json.loads(row.kinds),
                    "places": json.loads(row.places),
                    "reasons": json.loads(row.reasons),
                    "rules_hash": row.rules_hash,
                    "language": row.language,
                    "steps": [{"step": s.step, "at": s.at, "detail": s.detail} for s in step_rows],
                }

    def verify(self, batch: int = 5000) -> ChainReport:
        """Walk the chain from its first record; name the first record whose link fails."""
        prev, expected, count = GENESIS, 1, 0
        with self.db.read() as conn:
            head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
            for kind, row in _chain_rows(conn, batch):
                count += 1
                content = decision_content if kind == "decision" else step_content
                problem = None
                if row.seq is None:
                    problem = "record has no place in the chain"
                elif row.seq != expected:
                    problem = f"record {expected} is missing" if row.seq > expected else "record appears twice"
                elif row.prev_hash != prev:
                    problem = "does not carry the hash of the record before"
                elif link(prev, content(row._mapping, row.seq)) != row.hash:
                    problem = "content changed after it was written"
                if problem:
                    return ChainReport(count, head.seq, ChainBreak(row.seq or 0, kind, row.platform, row.ticket_id,
                                                                   problem))
                prev, expected = row.hash, expected + 1
            if head.seq != expected - 1 or head.hash != prev:
                return ChainReport(count, head.seq, ChainBreak(
                    head.seq, "head", None, None, f"chain ends at record {expected - 1} but the head names {head.seq}"
                    if head.seq != expected - 1 else "last record changed after it was written"))
        return ChainReport(count, head.seq, None)


_SAME_DECISION = ("mode", "verdict", "action", "kinds", "places", "reasons", "rules_hash", "language")


def _comparable(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in _SAME_DECISION)


def _latest_decision(conn: Connection, platform: str, ticket_id: str) -> tuple[Any, ...] | None:
    found = conn.execute(
        select(*(decisions.c[name] for name in _SAME_DECISION))
        .where((decisions.c.platform == platform) & (decisions.c.ticket_id == ticket_id))
        .order_by(decisions.c.id.desc()).limit(1)
    ).first()
    return tuple(found) if found is not None else None


def _chain_rows(conn: Connection, batch: int) -> Iterator[tuple[str, Any]]:
    """Decisions and steps merged in chain order (records without a place come first)."""
    after = -1
    while True:
        d = conn.execute(select(decisions).where(func.coalesce(decisions.c.seq, 0) > after)
                         .order_by(func.coalesce(decisions.c.seq, 0)).limit(batch)).all()
        s = conn.execute(select(steps).where(func.coalesce(steps.c.seq, 0) > after)
                         .order_by(func.coalesce(steps.c.seq, 0)).limit(batch)).all()
        merged = sorted([("decision", r) for r in d] + [("step", r) for r in s], key=lambda item: item[1].seq or 0)
        if not merged:
            return
        # only rows below both batches' ends are known to be in order
        limit = min(d[-1].seq or 0 if len(d) == batch else float("inf"),
                    s[-1].seq or 0 if len(s) == batch else float("inf"))
        emitted = False
        for kind, row in merged:
            if (row.seq or 0) > limit:
                break
            yield kind, row
            after = row.seq or 0
            emitted = True
        if not emitted:
            return


def iso_utc(epoch: float) -> str:
    """``1733086365.2`` → ``2024-12-01T20:52:45Z`` (ISO 8601, UTC, whole seconds)."""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def export(records: Iterator[dict[str, Any]], fmt: str) -> str:
    """Render audit records as ``jsonl`` (times as epoch seconds) or ``csv`` (times as ISO 8601 UTC)."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, sort_keys=True) + "\n" for r in records)
    if fmt == "csv":
        out = io.StringIO()
        fields = ["platform", "ticket_id", "decided_at", "mode", "verdict", "action", "kinds", "places",
                  "reasons", "rules_hash", "language", "steps"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for r in records:
            row = dict(r)
            for key in ("kinds", "places", "reasons"):
                row[key] = json.dumps(row[key], sort_keys=True)
            row["decided_at"] = iso_utc(r["decided_at"])
            row["steps"] = ";".join(f"{s['step']}@{iso_utc(s['at'])}" for s in r["steps"])
            writer.writerow(row)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}: use csv or jsonl")
