"""How audit records are chained: each record's hash covers its content, its place in
the chain and the hash of the record before, so changing, removing or reordering any
record breaks every link after it. Kept apart from the audit log because the
migrations hash with it too, and the result must never change between versions."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

GENESIS = "0" * 64

DECISION_FIELDS = ("platform", "ticket_id", "decided_at", "mode", "verdict", "action", "kinds", "places",
                   "reasons", "rules_hash", "language")
STEP_FIELDS = ("platform", "ticket_id", "step", "at", "detail")


def decision_content(row: Mapping[str, Any], seq: int) -> dict[str, Any]:
    return {"type": "decision", "seq": int(seq), **{f: row[f] for f in DECISION_FIELDS}}


def step_content(row: Mapping[str, Any], seq: int) -> dict[str, Any]:
    return {"type": "step", "seq": int(seq), **{f: row[f] for f in STEP_FIELDS}}


def link(prev_hash: str, content: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the record's canonical JSON."""
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()
