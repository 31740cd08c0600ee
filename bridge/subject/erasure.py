"""Erasure of a person: their tickets deleted for good, then their user records, and an
audit record that proves it under a keyed hash of the address (never the address).

Audit records, all on the one hash chain (``AuditLog.record_step``):
- per ticket: ``(platform, ticket id, "subject_erased")`` with the platform's confirmation
  (the erasure report counts these as deletions for "subject erasure");
- per request: ``("subject", <keyed hash>, "subject_erasure <epoch seconds>")`` with counts per
  platform and what became of the user records — no ids that would link the hash to tickets.

A ticket that cannot be deleted is reported and the person's record on that platform is
kept (Zendesk would otherwise orphan it); running the command again finishes the work.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

from bridge.audit import AuditLog
from bridge.platform import PlatformError, SubjectRequests, TicketGone
from bridge.subject.search import Findings

SUBJECT = "subject"  # the audit's "platform" for records about a person rather than a ticket
REQUEST_STEP = "subject_erasure"
TICKET_STEP = "subject_erased"


@dataclass
class PlatformOutcome:
    platform: str
    erased: int = 0
    already_gone: int = 0
    failed: list[str] = field(default_factory=list)  # "<ticket id>: <error>" (ids and statuses only)
    records: list[str] = field(default_factory=list)  # what became of each user record
    records_deleted: int = 0  # user records gone for good
    not_removed: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.failed and not any(r.startswith("failed") or r.startswith("kept") for r in self.records)


def erase(findings: list[Findings], platforms: Mapping[str, SubjectRequests], audit: AuditLog, subject_hash: str,
          advance: Callable[[int], None] = lambda n: None) -> list[PlatformOutcome]:
    outcomes = []
    for found in findings:
        platform = platforms[found.platform]
        outcome = PlatformOutcome(found.platform)
        for ticket in found.requested:
            _erase_ticket(platform, found.platform, ticket.id, audit, outcome)
            advance(1)
        for person in found.people:
            if outcome.failed:
                outcome.records.append(f"kept user {person.id}: some of its tickets could not be deleted")
                continue
            try:
                result = platform.delete_user(person)
            except TicketGone:
                outcome.records.append(f"user {person.id} was already gone")
                continue
            except PlatformError as exc:
                outcome.records.append(f"failed to delete user {person.id}: {exc}")
                continue
            outcome.records.append(result.confirmation)
            outcome.records_deleted += int(result.deleted)
            outcome.not_removed += [s for s in result.not_removed if s not in outcome.not_removed]
        outcomes.append(outcome)
    detail = {o.platform: {"tickets_erased": o.erased, "tickets_already_gone": o.already_gone,
                           "tickets_failed": len(o.failed), "user_records": len(o.records),
                           "user_records_deleted": o.records_deleted, "not_removed": o.not_removed}
              for o in outcomes}
    now = time.time()
    # one record per request: the step's name carries the time (a step is recorded once per name)
    audit.record_step(SUBJECT, subject_hash, f"{REQUEST_STEP} {now:.6f}", json.dumps(detail, sort_keys=True), at=now)
    return outcomes


def _erase_ticket(platform: SubjectRequests, name: str, ticket_id: str, audit: AuditLog,
                  outcome: PlatformOutcome) -> None:
    try:
        result = platform.delete_ticket(ticket_id)  # type: ignore[attr-defined]
    except TicketGone:  # e.g. a subtask deleted with its parent: nothing of it is left
        outcome.already_gone += 1
        audit.record_step(name, ticket_id, TICKET_STEP, "already gone")
        return
    except PlatformError as exc:
        outcome.failed.append(f"{ticket_id}: {exc}")
        return
    outcome.erased += 1
    audit.record_step(name, ticket_id, TICKET_STEP, result.confirmation)


def erasures_of(audit: AuditLog, subject_hash: str) -> list[tuple[float, dict[str, object]]]:
    """The erasure requests recorded for this keyed hash: (time, counts per platform)."""
    found = []
    for name, record in audit.steps(SUBJECT, subject_hash).items():
        if name.startswith(REQUEST_STEP):
            try:
                detail = json.loads(record.detail or "{}")
            except ValueError:
                detail = {}
            found.append((record.at, detail))
    return sorted(found, key=lambda item: item[0])
