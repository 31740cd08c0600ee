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

from bridge.db import Database
from bridge.findings import Decision


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


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record_decision(
        self,
        platform: str,
        ticket_id: str,
        decision: Decision,
        mode: str,
        rules_hash: str,
        language: str | None,
        filenames: list[str],
    ) -> None:
        places: dict[str, list[str]] = {}
        for place, kinds in decision.places.items():
            merged = places.setdefault(place_category(place), [])
            merged.extend(k for k in kinds if k not in merged)
        self.db.connect().execute(
            "INSERT INTO decisions (platform, ticket_id, decided_at, mode, verdict, action, kinds, places,"
            " reasons, rules_hash, language) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                platform,
                ticket_id,
                time.time(),
                mode,
                decision.verdict,
                decision.action,
                json.dumps(decision.kind_counts(), sort_keys=True),
                json.dumps(places, sort_keys=True),
                json.dumps([safe_reason(r, filenames) for r in decision.reasons]),
                rules_hash,
                language,
            ),
        )

    def record_step(self, platform: str, ticket_id: str, step: str, detail: str | None = None) -> bool:
        """Record that ``step`` happened; False when it was recorded before (each step once)."""
        cursor = self.db.connect().execute(
            "INSERT OR IGNORE INTO steps (platform, ticket_id, step, at, detail) VALUES (?,?,?,?,?)",
            (platform, ticket_id, step, time.time(), detail),
        )
        return cursor.rowcount == 1

    def steps(self, platform: str, ticket_id: str) -> dict[str, StepRecord]:
        rows = self.db.connect().execute(
            "SELECT step, at, detail FROM steps WHERE platform=? AND ticket_id=? ORDER BY at",
            (platform, ticket_id),
        )
        return {r["step"]: StepRecord(r["step"], r["at"], r["detail"]) for r in rows}

    def has_record(self, platform: str, ticket_id: str) -> bool:
        row = self.db.connect().execute(
            "SELECT 1 FROM decisions WHERE platform=? AND ticket_id=? UNION "
            "SELECT 1 FROM steps WHERE platform=? AND ticket_id=? LIMIT 1",
            (platform, ticket_id, platform, ticket_id),
        ).fetchone()
        return row is not None

    def records(self, since: float = 0.0, platform: str | None = None) -> Iterator[dict[str, Any]]:
        """The latest decision of each ticket decided since ``since``, with its steps."""
        conn = self.db.connect()
        query = (
            "SELECT d.* FROM decisions d JOIN (SELECT platform, ticket_id, MAX(id) AS id FROM decisions"
            " GROUP BY platform, ticket_id) last ON last.id = d.id WHERE d.decided_at >= ?"
        )
        args: list[Any] = [since]
        if platform:
            query += " AND d.platform = ?"
            args.append(platform)
        for row in conn.execute(query + " ORDER BY d.decided_at", args):
            steps = conn.execute(
                "SELECT step, at, detail FROM steps WHERE platform=? AND ticket_id=? ORDER BY at",
                (row["platform"], row["ticket_id"]),
            ).fetchall()
            yield {
                "platform": row["platform"],
                "ticket_id": row["ticket_id"],
                "decided_at": row["decided_at"],
                "mode": row["mode"],
                "verdict": row["verdict"],
                "action": row["action"],
                "kinds": json.loads(row["kinds"]),
                "places": json.loads(row["places"]),
                "reasons": json.loads(row["reasons"]),
                "rules_hash": row["rules_hash"],
                "language": row["language"],
                "steps": [{"step": s["step"], "at": s["at"], "detail": s["detail"]} for s in steps],
            }


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
