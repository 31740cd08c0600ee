"""One ticket from fetch to verdict to action, one function per step.

Every action is recorded as a step in the audit before the next one starts, and a
step already recorded is not done again, so a job retried after a crash or a
duplicated webhook neither emails twice nor skips the deletion.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from bridge import metrics
from bridge.analysis import AttachmentInput, TicketAnalyzer
from bridge.audit import AuditLog
from bridge.findings import Decision
from bridge.notify import Notice, Notifier
from bridge.platform import AttachmentTooLarge, Platform, Ticket, TicketGone
from bridge.rules import Rules

log = logging.getLogger(__name__)

# Step names, as they appear in the audit trail.
NOTIFIED = "notified"
NOTIFY_SKIPPED = "notify_skipped"
DELETED = "deleted"
REVIEW_MARKED = "review_marked"
CLEARED = "cleared"
MONITORED = "monitored"
GONE = "gone"
OUT_OF_SCOPE = "out_of_scope"
ENFORCED = "enforced"  # enforce mode left a clean ticket alone (no clear tag to record it by)

# Steps after which there is nothing left to enforce: what enforce mode did, or the ticket is gone.
ACTED = frozenset({NOTIFIED, NOTIFY_SKIPPED, DELETED, REVIEW_MARKED, CLEARED, ENFORCED, GONE})


def monitored_only(steps: Iterable[str]) -> bool:
    """Decided in monitor mode and never acted on: enforce mode decides such a ticket again
    (a redelivered webhook, ``gdpr-bridge redecide``) instead of taking it as done."""
    names = set(steps)
    return MONITORED in names and not names & ACTED


@dataclass
class Services:
    """What a worker builds once and uses for every job."""

    rules: Rules
    mode: str
    analyzer: TicketAnalyzer
    notifier: Notifier
    audit: AuditLog
    platform_factory: Callable[[str], Platform]
    _platforms: dict[str, Platform] = field(default_factory=dict)

    def platform(self, name: str) -> Platform:
        if name not in self._platforms:
            self._platforms[name] = self.platform_factory(name)
        return self._platforms[name]


def in_scope(ticket: Ticket, rules: Rules, platform: str) -> bool:
    scope = rules.scope.get(platform)
    if scope is None or not scope.projects:
        return True
    return ticket.project in scope.projects


def download_attachments(platform: Platform, ticket: Ticket, rules: Rules) -> list[AttachmentInput]:
    """Fetch every attachment within the limits; one that cannot be had carries its reason."""
    limits = rules.attachments.limits
    budget = limits.max_ticket_bytes
    inputs: list[AttachmentInput] = []
    for ref in ticket.attachments:
        if ref.size is not None and ref.size > limits.max_bytes:
            inputs.append(AttachmentInput(ref.filename, problem=f"larger than the limit of {limits.max_bytes} bytes"))
            continue
        if budget <= 0:
            inputs.append(AttachmentInput(ref.filename, problem="the ticket's attachments exceed the per-ticket limit"))
            continue
        try:
            data = platform.download_attachment(ref, min(limits.max_bytes, budget))
        except AttachmentTooLarge:
            inputs.append(AttachmentInput(ref.filename, problem="larger than the attachment or ticket limit"))
            continue
        except TicketGone:
            inputs.append(AttachmentInput(ref.filename, problem="the platform no longer serves this attachment"))
            continue
        budget -= len(data)
        inputs.append(AttachmentInput(ref.filename, data=data))
    return inputs


def review_note(decision: Decision) -> str:
    reasons = "; ".join(decision.reasons) or "the bridge could not decide"
    return (
        "gdpr-bridge could not decide whether this ticket holds personal data and has not deleted it. "
        f"Reason: {reasons}. Please check the ticket and its attachments by hand."
    )


def notify_requester(services: Services, platform: str, ticket: Ticket, decision: Decision, language: str) -> None:
    requester = ticket.requester
    if not requester.email:
        services.audit.record_step(platform, ticket.id, NOTIFY_SKIPPED, "requester has no email address")
        return
    notice = Notice(
        to_email=requester.email,
        to_name=requester.name,
        locale=requester.locale,
        ticket_language=language,
        platform=platform,
        ticket_id=ticket.id,
        places=decision.places,
        idempotency_key=f"{platform}:{ticket.id}:delete",
    )
    message_id = services.notifier.send(notice)
    services.audit.record_step(platform, ticket.id, NOTIFIED, message_id)


def delete_ticket(services: Services, platform_name: str, ticket_id: str) -> None:
    platform = services.platform(platform_name)
    try:
        result = platform.delete_ticket(ticket_id)
        detail = f"permanent={result.permanent}; {result.confirmation}"
    except TicketGone:
        detail = "already gone from the platform"
    services.audit.record_step(platform_name, ticket_id, DELETED, detail)


def act(services: Services, platform_name: str, ticket: Ticket, decision: Decision, language: str) -> str:
    """Carry out the decision in enforce mode. Returns the outcome for metrics."""
    platform = services.platform(platform_name)
    done = services.audit.steps(platform_name, ticket.id)
    if decision.action == "delete":
        if NOTIFIED not in done and NOTIFY_SKIPPED not in done:
            notify_requester(services, platform_name, ticket, decision, language)
        delete_ticket(services, platform_name, ticket.id)
        return "deleted"
    if decision.action == "review":
        if REVIEW_MARKED not in done:
            platform.mark_for_review(ticket.id, review_note(decision), services.rules.actions.review_tag)
            services.audit.record_step(platform_name, ticket.id, REVIEW_MARKED, services.rules.actions.review_tag)
        return "review"
    clear_tag = services.rules.actions.clear_tag
    if clear_tag and CLEARED not in done:
        platform.add_tag(ticket.id, clear_tag)
        services.audit.record_step(platform_name, ticket.id, CLEARED, clear_tag)
    return "clean"


def process_ticket(services: Services, platform_name: str, ticket_id: str) -> str:
    """Run one ticket through the bridge. Returns a short outcome (no personal data)."""
    started = time.monotonic()
    done = services.audit.steps(platform_name, ticket_id)
    if DELETED in done:
        return "already deleted"
    platform = services.platform(platform_name)
    try:
        ticket = platform.fetch_ticket(ticket_id)
    except TicketGone:
        if NOTIFIED in done:  # notified, then someone else deleted it: record the end
            services.audit.record_step(platform_name, ticket_id, DELETED, "already gone from the platform")
            return "deleted"
        services.audit.record_step(platform_name, ticket_id, GONE, "ticket not found when fetched")
        return "gone"
    if not in_scope(ticket, services.rules, platform_name):
        services.audit.record_step(platform_name, ticket_id, OUT_OF_SCOPE)
        return "out of scope"

    scan_started = time.monotonic()
    attachments = download_attachments(platform, ticket, services.rules)
    language = services.analyzer.language_of(ticket)
    decision = services.analyzer.analyse(ticket, attachments, language=language)
    metrics.SCAN_SECONDS.observe(time.monotonic() - scan_started)

    services.audit.record_decision(
        platform_name, ticket_id, decision, services.mode, services.rules.version_hash, language,
        [a.filename for a in ticket.attachments],
    )
    metrics.DECISIONS.labels(decision.verdict, services.mode).inc()
    for kind, count in decision.kind_counts().items():
        metrics.KINDS.labels(kind).inc(count)
    log.info(
        "decided",
        extra={"platform": platform_name, "ticket_id": ticket_id, "verdict": decision.verdict,
               "kinds": decision.kind_counts(), "mode": services.mode},
    )
    if services.mode != "enforce":
        services.audit.record_step(platform_name, ticket_id, MONITORED, decision.verdict)
        outcome = f"monitored ({decision.verdict})"
    else:
        outcome = act(services, platform_name, ticket, decision, language)
        if outcome == "clean" and not services.rules.actions.clear_tag:  # the one action that records no step
            services.audit.record_step(platform_name, ticket_id, ENFORCED, outcome)
    metrics.JOB_SECONDS.observe(time.monotonic() - started)
    return outcome
