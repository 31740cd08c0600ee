"""Running the retention rules: report (monitor mode, ``--dry-run``) or enforce.

Enforcing one rule on one platform, resumably (``store``):
1. a batch left in flight by a killed run is finished first (the adapter's journal says how
   far it got, so nothing is deleted twice);
2. the search is paged through to its end, every id stored with the cursor after its page
   (nothing is deleted meanwhile, so the pages stay stable and nothing is skipped);
3. the ids are deleted in batches (the platform's ``batch_size``); each batch is written down
   before the platform is asked, and its outcomes (and an audit step ``retention_deleted``
   per ticket) after;
4. when no id is left, the run's state is cleared.

The audit step carries the rule's name, the date the age was counted from (its month only)
and nothing else: no subject, no requester.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Mapping

from bridge.audit import AuditLog
from bridge.platform import ExpiredTicket, RetentionPlatform, RetentionQuery
from bridge.retention.store import DONE, FAILED, PENDING, SPARED, Journal, RetentionStore, RunState
from bridge.rules.retention import RetentionRule

log = logging.getLogger(__name__)

STEP = "retention_deleted"  # counted by bridge.attest as a deletion for "retention"

Advance = Callable[[int], None]


def _nothing(n: int) -> None:
    return None


@dataclass
class RuleOutcome:
    platform: str
    rule: str
    based_on: str
    cutoff: datetime
    found: int = 0
    deleted: int = 0
    spared: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)  # "<id>: <reason>" (ids and statuses only)
    expired: list[ExpiredTicket] = field(default_factory=list)  # reports only
    resumed: bool = False

    @property
    def complete(self) -> bool:
        return not self.failed


def report(platform: RetentionPlatform, rule: RetentionRule, now: datetime | None = None,
           advance: Advance = _nothing) -> RuleOutcome:
    """What the rule would delete now (monitor mode, ``--dry-run``): nothing is changed or stored."""
    cutoff = rule.cutoff(now)
    outcome = RuleOutcome(platform.name, rule.name, rule.based_on, cutoff)
    seen: set[str] = set()
    for ticket in _search(platform, rule.query(cutoff), None):
        if ticket.id not in seen:
            seen.add(ticket.id)
            outcome.expired.append(ticket)
            advance(1)
    outcome.found = len(outcome.expired)
    return outcome


def _search(platform: RetentionPlatform, query: RetentionQuery, cursor: str | None) -> Iterator[ExpiredTicket]:
    while True:
        page = platform.find_expired(query, cursor)
        yield from page.tickets
        if page.cursor is None:
            return
        cursor = page.cursor


class Enforcer:
    """Enforces rules on one platform; its methods are the run's steps (the command asks
    between collecting and deleting)."""

    def __init__(self, platform: RetentionPlatform, store: RetentionStore, audit: AuditLog) -> None:
        self.platform, self.store, self.audit = platform, store, audit

    @property
    def name(self) -> str:
        return self.platform.name

    def prepare(self, rule: RetentionRule, now: datetime | None = None) -> tuple[RunState, RuleOutcome]:
        """The run's state (resumed, or new with the cutoff as of ``now``); a batch a killed run
        left in flight is finished here. A rule changed since the run began starts over."""
        state = self.store.state(self.name, rule.name)
        resumed = state is not None
        if state is not None and state.fingerprint != rule.fingerprint():
            log.warning("retention rule changed since its run began: starting over",
                        extra={"platform": self.name, "rule": rule.name})
            self._finish_inflight(rule, rule.query(rule.cutoff(now)), RuleOutcome(
                self.name, rule.name, rule.based_on, rule.cutoff(now)))
            self.store.clear(self.name, rule.name)
            state, resumed = None, False
        if state is None:
            cutoff = rule.cutoff(now).astimezone(timezone.utc)
            state = RunState(fingerprint=rule.fingerprint(), cutoff=cutoff.isoformat())
            self.store.begin(self.name, rule.name, state)
        outcome = RuleOutcome(self.name, rule.name, rule.based_on, state.cutoff_time, resumed=resumed)
        self._finish_inflight(rule, rule.query(state.cutoff_time), outcome)
        return state, outcome

    def collect(self, rule: RetentionRule, state: RunState, outcome: RuleOutcome, advance: Advance = _nothing) -> int:
        """Page the search to its end, storing every id; returns how many are left to delete."""
        query = rule.query(state.cutoff_time)
        while not state.collected:
            page = self.platform.find_expired(query, state.cursor)
            state.cursor = page.cursor
            state.collected = page.cursor is None
            added = self.store.add_found(self.name, rule.name, page.tickets, state)
            advance(added)
        counts = self.store.counts(self.name, rule.name)
        outcome.found = sum(counts.values())
        return counts.get(PENDING, 0)

    def delete(self, rule: RetentionRule, state: RunState, outcome: RuleOutcome, advance: Advance = _nothing) -> None:
        """Delete every pending id in batches, then clear the run's state."""
        query = rule.query(state.cutoff_time)
        size = max(1, int(self.platform.batch_size))
        while True:
            batch = [ticket_id for ticket_id, _ in self.store.pending(self.name, rule.name, size)]
            if not batch:
                break
            self.store.start_batch(self.name, rule.name, batch)
            self._delete_batch(rule, query, batch, {}, outcome)
            advance(len(batch))
        counts = self.store.counts(self.name, rule.name)
        outcome.found = sum(counts.values())
        outcome.deleted = counts.get(DONE, 0)
        outcome.spared = counts.get(SPARED, 0)
        outcome.failed = counts.get(FAILED, 0)
        self.store.clear(self.name, rule.name)
        log.info("retention rule enforced", extra={"platform": self.name, "rule": rule.name, "found": outcome.found,
                                                   "deleted": outcome.deleted, "spared": outcome.spared,
                                                   "failed": outcome.failed})

    def _finish_inflight(self, rule: RetentionRule, query: RetentionQuery, outcome: RuleOutcome) -> None:
        inflight = self.store.batch(self.name, rule.name)
        if inflight:
            ids = [str(i) for i in inflight.get("ids") or []]
            log.info("retention: finishing the batch a stopped run left", extra={
                "platform": self.name, "rule": rule.name, "tickets": len(ids)})
            self._delete_batch(rule, query, ids, inflight.get("adapter") or {}, outcome)

    def _delete_batch(self, rule: RetentionRule, query: RetentionQuery, ids: list[str], adapter_state: dict[str, Any],
                      outcome: RuleOutcome) -> None:
        journal = Journal(self.store, self.name, rule.name, ids, adapter_state)
        result = self.platform.delete_expired(query, ids, journal)
        buckets = self.store.buckets(self.name, rule.name, result.confirmed)
        outcomes: dict[str, str] = {}
        for ticket_id in result.confirmed:
            detail = {"rule": rule.name, "based_on": rule.based_on, "age_from": buckets.get(ticket_id)}
            self.audit.record_step(self.name, ticket_id, STEP, json.dumps(detail, sort_keys=True))
            outcomes[ticket_id] = DONE
        for ticket_id in result.spared:
            outcomes[ticket_id] = SPARED
        for ticket_id, reason in result.failed.items():
            outcomes[ticket_id] = FAILED
            outcome.failures.append(f"{ticket_id}: {reason}")
            log.warning("retention: a ticket could not be deleted", extra={
                "platform": self.name, "rule": rule.name, "ticket_id": ticket_id, "error": reason})
        for ticket_id in ids:  # an id the adapter did not account for: the next run tries it again
            if ticket_id not in outcomes:
                outcomes[ticket_id] = FAILED
                outcome.failures.append(f"{ticket_id}: not confirmed")
        self.store.finish_batch(self.name, rule.name, outcomes)


def rules_for(rules: list[RetentionRule], platforms: Mapping[str, object]) -> list[RetentionRule]:
    return [r for r in rules if r.platform in platforms]
